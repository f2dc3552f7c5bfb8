"""`make run`'s output normalisation: progress-bar redraws collapse to what a terminal shows."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from run_notebooks import final_text, normalise


def test_carriage_returns_keep_only_the_last_redraw_of_each_line():
    stream = "Epoch 1/2\n\r 1/5 [==>...] loss: 0.9\r 5/5 [=====] loss: 0.1\nEpoch 2/2\n"
    assert final_text(stream) == "Epoch 1/2\n 5/5 [=====] loss: 0.1\nEpoch 2/2\n"


def test_backspaces_erase_the_characters_before_them():
    assert final_text("12/20\b\b\b\b\b20/20 done") == "20/20 done"


def test_normalise_drops_timings_and_widgets_and_cleans_streams():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"state": {}}
    cell = nbformat.v4.new_code_cell("fit()")
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="Epoch 1/1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="\r 1/2 [=>..]"),
        nbformat.v4.new_output("stream", name="stdout", text="\r 2/2 [====] done\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="after\n"),
    ]
    notebook.cells.append(cell)
    normalise(notebook)
    assert "widgets" not in notebook.metadata and "execution" not in cell.metadata
    assert [(o.name, o.text) for o in cell.outputs] == [
        ("stdout", "Epoch 1/1\n 2/2 [====] done\n"),
        ("stderr", "warning\n"),
        ("stdout", "after\n"),
    ]
