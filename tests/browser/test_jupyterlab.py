"""The lessons run in JupyterLab in a real browser, the way a student runs them.

`make test-browser` runs this file; `make test` does not (pyproject.toml keeps pytest out of this
folder), so a student needs neither Chromium nor Playwright. It needs Debian's Chromium
(`apt-get install chromium`, /usr/bin/chromium or $CHROMIUM) and Playwright from PyPI
(requirements-browser.txt), which drives that browser: Playwright's own browser download is not used.

JupyterLab is started from the course's venv on a free local port with a token, serving copies of the
notebooks, outputs cleared, in a temporary folder: the committed notebooks are never opened, and a
last test checks their checksums. Its kernels see COURSE_MODE=smoke, COURSE_DATA_DIR as given, and no
MPLBACKEND, so figures render inline. For each lesson the test opens the notebook in headless
Chromium, clicks Run > Run All Cells, waits for the kernel to go idle, saves (Ctrl+S) and checks
the saved copy and the page: every code cell ran, no error output, the run was in smoke mode, each
figure is an image the browser decoded, each audio player has loaded its sound; a lesson whose
committed full run shows figures or players must show some too. A screenshot of each lesson goes to
tests/browser/screenshots/ (git-ignored). Server and browser are stopped at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# What lets Chromium run headless here as root without reaching out to the network;
# Playwright adds --headless and a fresh --user-data-dir (the profile folder given below).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The environment at collection, before tests/conftest.py's fixtures edit it test by test.
SERVER_ENV = dict(os.environ)
NOTEBOOKS = [ROOT / name for name in os.environ.get("BROWSER_NOTEBOOKS", "").split()] or sorted(
    (ROOT / "notebooks").glob("*.ipynb")
)
RUN_TIMEOUT_MS = 900_000
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show in the page
# JupyterLab's settings for the test: no autosave (the copies are saved once, by the test), every cell
# in the page (no virtual scrolling) so that all outputs can be counted, no news or update checks.
USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "extension_manager": "readonly",
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
    }
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


CHECKSUMS_BEFORE = {path: sha256(path) for path in NOTEBOOKS}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: where it is, its token, the folder it serves and its log."""

    url: str
    token: str
    folder: Path
    log: Path
    process: subprocess.Popen

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def cleared_copy(notebook: Path, folder: Path) -> Path:
    """Copy `notebook` into `folder` with no outputs and no execution counts."""
    content = nbformat.read(notebook, as_version=4)
    for cell in content.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    copy = folder / notebook.name
    nbformat.write(content, copy)
    return copy


def write_json(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content))


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """JupyterLab from this venv, on a free port with a token, serving cleared copies of the notebooks."""
    folder = tmp_path_factory.mktemp("notebooks")
    for notebook in NOTEBOOKS:
        cleared_copy(notebook, folder)
    home = tmp_path_factory.mktemp("jupyter")
    write_json(home / "config" / "jupyter_server_config.json", SERVER_CONFIG)
    for plugin, settings in USER_SETTINGS.items():
        write_json(home / "settings" / f"{plugin}.jupyterlab-settings", settings)
    env = {name: value for name, value in SERVER_ENV.items() if name != "MPLBACKEND"}
    env.update(
        COURSE_MODE="smoke",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root (containers, CI) unless told it may
    log = home / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=output, stderr=subprocess.STDOUT)
    server = Lab(f"http://127.0.0.1:{port}", token, folder, log, process)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within 120 s:\n{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        try:
            server.shutdown_kernels()
            server.api("shutdown", method="POST")
            process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[BrowserContext]:
    """Headless Debian Chromium with a fresh profile, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install chromium` (or set CHROMIUM to a Chromium binary)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def run_all_cells(page: Page, notebook: str, lab: Lab) -> None:
    """Open `notebook`, wait for its kernel, click Run > Run All Cells, wait until it is idle again, save."""
    page.goto(f"{lab.url}/lab/tree/{notebook}?token={lab.token}&reset")
    # The status bar reads "Python 3 (ipykernel) | Idle" once the kernel has started and is not busy.
    idle = "[...document.querySelectorAll('.jp-StatusBar-TextItem')].some(item => /[|] Idle$/.test(item.textContent))"
    page.wait_for_function(f"() => {idle}")
    page.keyboard.press("Control+b")  # hide the file browser: the screenshot shows the notebook
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Prompts read '[3]:' once run, '[*]:' while queued or running, '[ ]:' never run.
    page.wait_for_function(
        f"""() => {{
            const prompts = [...document.querySelectorAll('{NOTEBOOK} .jp-InputArea-prompt')].map(p => p.textContent);
            return prompts.some(p => /[0-9]/.test(p)) && !prompts.some(p => p.includes('*')) && {idle};
        }}""",
        timeout=RUN_TIMEOUT_MS,
        polling=1000,
    )
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')")


def screenshot(page: Page, name: str) -> Path:
    """The whole notebook in one picture: the page made as tall as the notebook (at most 16,000 pixels)."""
    height = page.evaluate(f"() => document.querySelector('{NOTEBOOK} .jp-WindowedPanel-outer')?.scrollHeight ?? 700")
    page.set_viewport_size({"width": 1280, "height": min(height + 200, 16_000)})
    page.evaluate(f"() => document.querySelector('{NOTEBOOK} .jp-WindowedPanel-outer')?.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def outputs_of(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def figures(outputs: list[nbformat.NotebookNode]) -> int:
    return sum("image/png" in output.get("data", {}) for output in outputs)


def players(outputs: list[nbformat.NotebookNode]) -> int:
    return sum("<audio" in "".join(output.get("data", {}).get("text/html", "")) for output in outputs)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_lesson_runs_all_cells_in_jupyterlab(notebook, lab, browser):
    page = browser.new_page()
    page.set_default_timeout(120_000)
    try:
        try:
            run_all_cells(page, notebook.name, lab)
        finally:
            shot = screenshot(page, notebook.stem)  # of a run that failed or timed out too
        saved = nbformat.read(lab.folder / notebook.name, as_version=4)
        outputs = outputs_of(saved)
        images = page.eval_on_selector_all(
            f"{NOTEBOOK} .jp-OutputArea-output img", "els => els.map(e => e.complete && e.naturalWidth > 0)"
        )
        audio = page.eval_on_selector_all(
            f"{NOTEBOOK} .jp-OutputArea-output audio", "els => els.map(e => e.readyState)"
        )
    finally:
        page.close()
        lab.shutdown_kernels()

    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert errors == [], f"{notebook.name}: error outputs in JupyterLab (see {shot})"
    code = [cell for cell in saved.cells if cell.cell_type == "code"]
    not_run = [number for number, cell in enumerate(code, 1) if cell.execution_count is None]
    assert not_run == [], f"{notebook.name}: code cells {not_run} of {len(code)} never ran (see {shot})"
    printed = "".join(o.get("text", "") for o in outputs)
    assert f"Lesson {notebook.stem}: COURSE_MODE=smoke" in printed, "the kernel did not run in smoke mode"

    assert len(images) == figures(outputs) and all(images), f"{notebook.name}: figures not rendered: {images}"
    assert len(audio) == players(outputs), f"{notebook.name}: {players(outputs)} players saved, {len(audio)} shown"
    assert all(state >= 1 for state in audio), f"{notebook.name}: audio players without sound: {audio}"
    committed = outputs_of(nbformat.read(notebook, as_version=4))
    if figures(committed):
        assert images, f"{notebook.name}: the full run shows {figures(committed)} figures, JupyterLab none"
    if players(committed):
        assert audio, f"{notebook.name}: the full run shows {players(committed)} audio players, JupyterLab none"


def test_committed_notebooks_are_untouched():
    """The browser worked on copies: the notebooks it ran are unchanged on disk."""
    assert {path: sha256(path) for path in NOTEBOOKS} == CHECKSUMS_BEFORE
