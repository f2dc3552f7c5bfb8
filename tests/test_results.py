"""Results files: where each mode writes, what they hold, and the README table."""

from __future__ import annotations

import json

import pytest

from utils import results, runtime


@pytest.fixture
def lesson(monkeypatch):
    def make(mode: str) -> runtime.Lesson:
        monkeypatch.setenv("COURSE_MODE", mode)
        return runtime.start_lesson("99_demo", full=dict(epochs=2), smoke=dict(epochs=1))

    return make


def test_full_run_writes_results_json_with_machine_and_versions(lesson):
    path = results.record(lesson("full"), test_accuracy=0.9312)
    entry = json.loads(path.read_text())
    assert path.name == "99_demo.json" and path.parent.name == "results"
    assert entry["mode"] == "full" and entry["metrics"] == {"test_accuracy": 0.9312}
    assert entry["wall_time_s"] >= 0
    assert {"python", "tensorflow", "keras", "cpu_count", "gpus"} <= set(entry["machine"])


def test_smoke_run_never_overwrites_full_results(lesson):
    full = results.record(lesson("full"), test_accuracy=0.93)
    smoke = results.record(lesson("smoke"), test_accuracy=0.51)
    assert smoke.parent.name == "smoke" and smoke != full
    assert json.loads(full.read_text())["metrics"]["test_accuracy"] == 0.93


def test_non_finite_metric_is_refused(lesson):
    with pytest.raises(ValueError, match="test_accuracy=nan is not a finite number"):
        results.record(lesson("smoke"), test_accuracy=float("nan"))


def test_readme_table_lists_full_results_between_markers(lesson, tmp_path):
    results.record(lesson("full"), test_accuracy=0.9312)
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{results.TABLE_START}\nold\n{results.TABLE_END}\noutro\n")
    results.update_readme(readme)
    text = readme.read_text()
    assert "| 99_demo | test_accuracy = 0.9312 |" in text and "old" not in text
    assert text.startswith("intro") and text.endswith("outro\n")


def test_readme_without_markers_is_a_clear_error(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no table here\n")
    with pytest.raises(ValueError, match="lacks the markers"):
        results.update_readme(readme)
