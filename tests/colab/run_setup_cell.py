"""Run a notebook's Colab setup cell the way Colab runs it, with a local repository instead of GitHub.

    python tests/colab/run_setup_cell.py NOTEBOOK CONTENT_DIR REPOSITORY

Run with the Python of a venv that holds only Colab's preinstalled stack (`make test-colab` does).
The cell is executed unchanged except for its REPO_URL, which becomes REPOSITORY (CI has no
network), with `google.colab` importable as in Colab and CONTENT_DIR (emptied first) as Colab's
/content: it clones the course, `pip install -q -e` it, moves into its notebooks folder and
imports TensorFlow. Prints where the course was installed; any failure raises.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import types
from pathlib import Path

URL_LINE = re.compile(r'^(\s*REPO_URL = )"[^"]*"$', re.MULTILINE)


def setup_cell(notebook: Path) -> str:
    """The notebook's setup cell: its first code cell."""
    cells = json.loads(notebook.read_text())["cells"]
    return next("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def run_setup_cell(notebook: Path, content: Path, repository: str) -> Path:
    """Execute the setup cell of `notebook` in a fresh `content` folder; return the installed clone."""
    source, replaced = URL_LINE.subn(rf'\1"{repository}"', setup_cell(notebook))
    if replaced != 1:
        raise ValueError(f"{notebook.name}: the setup cell has no single REPO_URL line to point at {repository}")
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    os.chdir(content)
    # What Colab has and nothing else does: the cell installs the course only when it sees this module.
    # It goes into the real `google` namespace package, which protobuf (TensorFlow's) also lives in.
    import google

    sys.modules["google.colab"] = google.colab = types.ModuleType("google.colab")
    exec(compile(source, f"{notebook.name} setup cell", "exec"), {"__name__": "__main__"})
    clone = Path.cwd().parent
    import tensorflow as tf

    import utils

    installed_from = Path(utils.__file__).resolve().parent.parent
    if installed_from != clone.resolve():
        raise RuntimeError(f"utils was imported from {installed_from}, not from the fresh clone {clone}")
    print(
        f"setup cell of {notebook.name}: cloned and installed into {clone.relative_to(content.parent)}, "
        f"working directory {Path.cwd().relative_to(content.parent)}; Python {sys.version.split()[0]}, "
        f"TensorFlow {tf.__version__}"
    )
    return clone


if __name__ == "__main__":
    notebook, content, repository = sys.argv[1:]
    run_setup_cell(Path(notebook).resolve(), Path(content).resolve(), repository)
