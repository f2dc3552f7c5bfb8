"""The two cells every notebook opens with: the Colab badge and the Colab setup cell.

The repository URL is set here and only here. `python -m utils.colab` rewrites
the first two cells of every notebook from it; a test checks they match.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from utils.runtime import PROJECT_ROOT

REPO_OWNER = "keras-course"
REPO_NAME = "cnn-rnn-keras"
REPO_URL = f"https://github.com/{REPO_OWNER}/{REPO_NAME}"
BRANCH = "main"


def badge_markdown(notebook: str) -> str:
    """The "Open in Colab" badge linking to `notebooks/<notebook>` on GitHub."""
    link = f"https://colab.research.google.com/github/{REPO_OWNER}/{REPO_NAME}/blob/{BRANCH}/notebooks/{notebook}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({link})"


def setup_cell_source() -> str:
    """The setup cell: inside Colab, clone and install the course; everywhere, import TensorFlow quietly."""
    return f'''# Setup. In Colab only, fetch the course code (utils) and its requirements.
# Everywhere, import TensorFlow once with its C++ start-up messages kept out of the outputs.
import os
import sys

if "google.colab" in sys.modules:
    import subprocess

    REPO_URL = "{REPO_URL}"
    if not os.path.isdir("{REPO_NAME}"):
        subprocess.run(["git", "clone", "--depth", "1", REPO_URL, "{REPO_NAME}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "{REPO_NAME}"], check=True)
    os.chdir("{REPO_NAME}/notebooks")
    sys.path.insert(0, os.path.abspath(".."))

from utils.runtime import import_tensorflow_quietly

import_tensorflow_quietly()'''


def header_problems(notebook: Path) -> list[str]:
    """What is wrong with the notebook's badge and setup cell (empty when they are right)."""
    cells = json.loads(notebook.read_text())["cells"]
    problems = []
    if not cells or badge_markdown(notebook.name) not in "".join(cells[0]["source"]):
        problems.append(f"{notebook.name}: first cell lacks the Colab badge {badge_markdown(notebook.name)}")
    if len(cells) < 2 or "".join(cells[1]["source"]) != setup_cell_source():
        problems.append(f"{notebook.name}: second cell is not the Colab setup cell of utils.colab")
    return problems


def rewrite_headers(folder: Path = PROJECT_ROOT / "notebooks") -> None:
    """Put the current badge and setup cell into every notebook of `folder`."""
    for notebook in sorted(folder.glob("*.ipynb")):
        content = json.loads(notebook.read_text())
        cells = content["cells"]
        title, _, rest = "".join(cells[0]["source"]).partition("\n")
        body = rest.split("\n", 1)[1] if rest.startswith("[![Open In Colab]") else rest
        cells[0]["source"] = f"{title}\n{badge_markdown(notebook.name)}\n{body}".rstrip("\n")
        cells[1]["source"] = setup_cell_source()
        notebook.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    rewrite_headers()
    print("notebook headers rewritten", file=sys.stderr)
