"""What the course imports: every module the notebooks and `utils` import, found by reading their code.

`tests/test_dependencies.py` checks that pyproject.toml declares a package for each of them;
`make test-colab` runs this file as a script in the Colab venv right after the setup cell's
`pip install -e`, before any test tool is installed, to check that each one resolves there:

    python tests/course_imports.py

Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A notebook runs in a Jupyter kernel, and every kernel has IPython (ipykernel depends on it):
# the course need not, and on Colab must not, install it.
PROVIDED_BY_THE_KERNEL = frozenset({"IPython"})


def notebook_code(path: Path) -> str:
    """The code cells of a notebook as one Python source, IPython magics and shell lines left out."""
    cells = json.loads(path.read_text())["cells"]
    lines = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return "\n".join(lines)


def sources(root: Path = ROOT) -> dict[str, str]:
    """Every notebook and every `utils` module, by path relative to `root`."""
    files = sorted(root.glob("notebooks/*.ipynb"))
    code = {str(path.relative_to(root)): notebook_code(path) for path in files}
    code.update({str(path.relative_to(root)): path.read_text() for path in sorted(root.glob("utils/*.py"))})
    return code


def imported_modules(source: str) -> set[str]:
    """The top-level names of the modules `source` imports anywhere (inside functions too), relative imports aside."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party_imports(root: Path = ROOT) -> dict[str, list[str]]:
    """Each imported module that is neither the standard library nor the course's own, with the files importing it."""
    found: dict[str, list[str]] = {}
    for name, source in sources(root).items():
        for module in imported_modules(source):
            if module not in sys.stdlib_module_names and module not in {"utils", "__future__"}:
                found.setdefault(module, []).append(name)
    return dict(sorted(found.items()))


def unresolved(root: Path = ROOT) -> list[str]:
    """What fails here: third-party modules not found, and `utils` modules that do not import."""
    problems = [
        f"{module} (imported by {', '.join(files)}) is not installed"
        for module, files in third_party_imports(root).items()
        if module not in PROVIDED_BY_THE_KERNEL and importlib.util.find_spec(module) is None
    ]
    try:
        from utils.runtime import import_tensorflow_quietly

        import_tensorflow_quietly()  # as every notebook's setup cell does, so TF's start-up lines stay muted
    except ImportError:
        pass  # reported below, with every utils module
    for path in sorted((root / "utils").glob("*.py")):
        module = "utils" if path.stem == "__init__" else f"utils.{path.stem}"
        try:
            importlib.import_module(module)
        except ImportError as error:
            problems.append(f"{module} does not import: {error}")
    return problems


def main() -> int:
    """Print what resolves or what does not; exit 1 when anything does not."""
    modules = [module for module in third_party_imports() if module not in PROVIDED_BY_THE_KERNEL]
    problems = unresolved()
    for problem in problems:
        print(f"course_imports: {problem}", file=sys.stderr)
    if not problems:
        import utils

        print(f"course_imports: {', '.join(modules)} and every utils module import; utils from {utils.__file__}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
