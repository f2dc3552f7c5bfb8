"""Each notebook's headline metrics, recorded to `results/` and tabled in the README.

A notebook's last cell calls `record(lesson, ...)`. Full-mode runs write
`results/<notebook>.json`, which is committed with the notebook; smoke runs
(tests, CI) write `results/smoke/<notebook>.json`, which git ignores, so a
test run never overwrites the figures of a real run.

`python -m utils.results` rewrites the results table in README.md.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from utils.runtime import PROJECT_ROOT, Lesson

TABLE_START = "<!-- results-table:start -->"
TABLE_END = "<!-- results-table:end -->"


def results_dir(mode: str) -> Path:
    """Where results of `mode` go: `results/` for full runs, `results/smoke/` otherwise."""
    base = Path(os.environ.get("COURSE_RESULTS_DIR") or PROJECT_ROOT / "results")
    return base if mode == "full" else base / "smoke"


def machine() -> dict[str, object]:
    """Python, TensorFlow and Keras versions, CPU count and GPUs: what a figure was measured on."""
    import keras
    import tensorflow as tf

    gpus = [
        tf.config.experimental.get_device_details(g).get("device_name", g.name)
        for g in tf.config.list_physical_devices("GPU")
    ]
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(),
        "gpus": gpus,
    }


def record(lesson: Lesson, **metrics: float) -> Path:
    """Write the lesson's metrics, mode, wall time and machine to its results file.

    Metrics must be finite numbers (a NaN accuracy is a bug, not a result).
    Prints the metrics and returns the path written.
    """
    clean = {}
    for key, value in metrics.items():
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"metric {key}={value!r} is not a finite number")
        clean[key] = number
    entry = {
        "notebook": lesson.name,
        "mode": lesson.mode,
        "metrics": clean,
        "wall_time_s": round(lesson.elapsed(), 1),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    path = results_dir(lesson.mode) / f"{lesson.name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(entry, indent=2) + "\n")
    tmp.replace(path)
    shown = ", ".join(f"{k}={format_metric(v)}" for k, v in clean.items())
    print(f"{lesson.name} ({lesson.mode}): {shown}; wall time {entry['wall_time_s']:.0f} s")
    return path


def format_metric(value: float) -> str:
    """A metric as a reader wants it: counts with thousands separators, rates to 4 digits."""
    return f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:.4g}"


def results_table(folder: Path | None = None) -> str:
    """A Markdown table of the full-mode results in `folder` (default `results/`)."""
    folder = folder or results_dir("full")
    rows = ["| notebook | metrics | wall time | machine |", "| --- | --- | --- | --- |"]
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text())
        metrics = ", ".join(f"{k} = {format_metric(v)}" for k, v in entry["metrics"].items()) or "-"
        m = entry["machine"]
        where = f"{m['cpu_count']} CPU" + (f", {', '.join(m['gpus'])}" if m["gpus"] else ", no GPU")
        where += f"; TF {m['tensorflow']}"
        rows.append(f"| {entry['notebook']} | {metrics} | {entry['wall_time_s']:.0f} s | {where} |")
    return "\n".join(rows)


def update_readme(readme: Path = PROJECT_ROOT / "README.md") -> None:
    """Replace the table between the README's results markers with the current one."""
    text = readme.read_text()
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f"{readme.name} lacks the markers {TABLE_START} ... {TABLE_END}")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{results_table()}\n{TABLE_END}{tail}")


if __name__ == "__main__":
    update_readme()
    print("README.md results table updated", file=sys.stderr)
