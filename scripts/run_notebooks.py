"""Execute notebooks top to bottom, headless, in place: what `make run` does.

Each notebook runs in a fresh kernel with the notebooks folder as working
directory; a progress line per notebook gives its wall time. A notebook that
fails is not written back (its committed outputs stay those of the last good
run) and the script exits non-zero after reporting the failing cell. Cell
metadata is normalised (no execution timestamps) so diffs stay small, and the
README's results table is refreshed from results/.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from utils.results import update_readme


def final_text(stream: str) -> str:
    """What a terminal finally shows of `stream`: each line after its last carriage return, backspaces applied.

    Keras' progress bar redraws itself with `\r` and `\b` hundreds of times an
    epoch; kept raw, a training cell's output would be megabytes of redraws.
    """
    lines = []
    for line in stream.split("\n"):
        shown = []
        for char in line.rsplit("\r", 1)[-1]:
            if char == "\b":
                if shown:
                    shown.pop()
            else:
                shown.append(char)
        lines.append("".join(shown))
    return "\n".join(lines)


def normalise(notebook: nbformat.NotebookNode) -> None:
    """Drop per-run metadata (timings, widget state) and progress-bar redraws that only make diffs noisy."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata["language_info"] = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            for output in cell.outputs:
                if output.output_type == "stream":
                    output.text = final_text(output.text)


def merge_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream: each progress-bar redraw arrives as an output of its own."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def run(path: Path) -> None:
    """Execute the notebook at `path` and write it back with its new outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    normalise(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)


def main(paths: list[str]) -> int:
    """Run every notebook named in `paths` (default: all of notebooks/) and report."""
    notebooks = [Path(p) for p in paths] or sorted(Path("notebooks").glob("*.ipynb"))
    mode = os.environ.get("COURSE_MODE", "full")
    failed = []
    for number, path in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {path.name} ({mode}) ...", flush=True)
        started = time.perf_counter()
        try:
            run(path)
        except CellExecutionError as error:
            failed.append(path.name)
            print(f"    FAILED after {time.perf_counter() - started:.0f} s: {str(error)[-1500:]}", flush=True)
            continue
        print(f"    done in {time.perf_counter() - started:.0f} s", flush=True)
    if mode == "full":
        update_readme()
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
