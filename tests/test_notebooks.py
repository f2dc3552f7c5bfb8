"""Notebook hygiene: what every committed notebook must be, checked without running it.

nbval (run by `make test`) executes the notebooks; these tests check what is
committed: valid nbformat, the Colab header, outputs from a full-mode run with
no errors and no absolute paths, a results cell, and normalised metadata.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from utils.colab import header_problems

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
TIME_NAME = re.compile(r"second|elapsed|time|minute")
ABSOLUTE_PATH = re.compile(r"(/root/|/home/|/tmp/|/Users/|/work/|[A-Z]:\\\\)")


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def output_text(output: nbformat.NotebookNode) -> str:
    return json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}).get("text/plain", ""))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook_path(request) -> Path:
    return request.param


def test_notebook_is_valid_nbformat(notebook_path):
    nbformat.validate(nbformat.read(notebook_path, as_version=4))


def test_notebook_opens_with_colab_badge_and_setup_cell(notebook_path):
    assert header_problems(notebook_path) == []


def test_notebook_was_executed_top_to_bottom_in_full_mode(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    counts = [cell.execution_count for cell in code_cells(notebook)]
    assert None not in counts, f"{notebook_path.name}: some cells were never run; run `make run`"
    assert counts == list(range(1, len(counts) + 1)), f"{notebook_path.name}: cells ran out of order: {counts}"
    printed = "".join(output_text(o) for cell in code_cells(notebook) for o in cell.outputs)
    assert f"Lesson {notebook_path.stem}: COURSE_MODE=full" in printed, (
        f"{notebook_path.name}: committed outputs must come from a full-mode run (`make run`) "
        "and start_lesson must be given the notebook's own name"
    )


def test_notebook_has_no_error_outputs(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    errors = [o.get("ename") for cell in code_cells(notebook) for o in cell.outputs if o.output_type == "error"]
    assert errors == []


def test_notebook_shows_no_absolute_paths(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    for number, cell in enumerate(notebook.cells):
        shown = cell.source + "".join(output_text(o) for o in cell.get("outputs", []))
        assert not ABSOLUTE_PATH.search(shown), f"{notebook_path.name} cell {number} shows an absolute path"


def test_notebook_ends_with_a_results_cell(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    last = code_cells(notebook)[-1].source
    assert re.search(r"results\.record\(\s*lesson\b", last) and "assert" in last, (
        f"{notebook_path.name}: the last code cell must record results and assert what the lesson promises"
    )
    committed = notebook_path.parent.parent / "results" / f"{notebook_path.stem}.json"
    assert json.loads(committed.read_text())["mode"] == "full", f"{committed} must hold a full-mode result"


def test_results_cell_records_time_but_never_asserts_it(notebook_path):
    """A slower laptop must not turn a lesson that worked into an AssertionError: time is recorded, not asserted."""
    notebook = nbformat.read(notebook_path, as_version=4)
    results_cell = ast.parse(code_cells(notebook)[-1].source)
    asserts = [node.test for node in ast.walk(results_cell) if isinstance(node, ast.Assert)]
    timed = [
        ast.unparse(test)
        for test in asserts
        if any(isinstance(name, ast.Name) and TIME_NAME.search(name.id) for name in ast.walk(test))
    ]
    assert timed == [], f"{notebook_path.name}: the results cell asserts on wall time: {timed}"


def test_notebook_metadata_is_normalised(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    assert "widgets" not in notebook.metadata
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    assert notebook.metadata.kernelspec.name == "python3"
