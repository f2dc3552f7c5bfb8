"""The Colab header cells come from one place and can be rewritten from it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from utils import colab

SETUP = Path(__file__).resolve().parent.parent / "notebooks" / "00_setup.ipynb"


def test_setup_cell_does_nothing_outside_colab():
    namespace: dict = {}
    exec(colab.setup_cell_source(), namespace)
    assert "REPO_URL" not in namespace and "subprocess" not in namespace
    assert "tensorflow" in sys.modules


def test_setup_cell_and_badge_use_the_one_repository_url():
    assert colab.REPO_URL in colab.setup_cell_source()
    assert f"github/{colab.REPO_OWNER}/{colab.REPO_NAME}/blob/main/notebooks/x.ipynb" in colab.badge_markdown("x.ipynb")


def test_rewrite_headers_repairs_a_stale_header(tmp_path, monkeypatch):
    shutil.copy(SETUP, tmp_path / SETUP.name)
    content = json.loads((tmp_path / SETUP.name).read_text())
    content["cells"][1]["source"] = "print('old setup')"
    (tmp_path / SETUP.name).write_text(json.dumps(content))
    assert colab.header_problems(tmp_path / SETUP.name)
    colab.rewrite_headers(tmp_path)
    assert colab.header_problems(tmp_path / SETUP.name) == []
    title = json.loads((tmp_path / SETUP.name).read_text())["cells"][0]["source"]
    assert title.startswith("# 00") and title.count("Open In Colab") == 1
