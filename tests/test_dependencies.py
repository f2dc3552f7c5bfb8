"""The declared dependencies: they cover every import, hold in the environment testing them, and are tested.

pyproject.toml's `dependencies` are what the Colab setup cell's `pip install -e` installs, so a package
the notebooks or `utils` import must be declared there. Their lower bounds are the versions
`make test-colab` installs (constraints-colab.txt), so a claimed bound is a tested one.
"""

from __future__ import annotations

import json
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

from course_imports import PROVIDED_BY_THE_KERNEL, imported_modules, notebook_code, third_party_imports
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def declared() -> dict[str, Requirement]:
    """pyproject.toml's dependencies by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}


def colab_pins() -> dict[str, str]:
    """constraints-colab.txt's `name==version` lines by canonical name."""
    pins = {}
    for line in (ROOT / "constraints-colab.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned
    return pins


def test_imports_are_found_in_notebooks_and_utils():
    found = third_party_imports()
    assert {"tensorflow", "keras", "numpy", "matplotlib"} <= set(found)
    assert "os" not in found and "utils" not in found


def test_imported_modules_reads_every_kind_of_import():
    source = "import a.b, c\nfrom d.e import f\nfrom . import g\ndef h():\n    import i\n"
    assert imported_modules(source) == {"a", "c", "d", "i"}


def test_notebook_code_leaves_magics_and_shell_lines_out(tmp_path):
    cell = {"cell_type": "code", "source": ["%matplotlib inline\n", "!pip list\n", "import x\n"]}
    (tmp_path / "n.ipynb").write_text(json.dumps({"cells": [cell]}))
    assert notebook_code(tmp_path / "n.ipynb") == "import x"


def test_every_imported_package_is_declared():
    """A package used but not declared would be missing on a fresh `pip install -e` (Colab's setup cell)."""
    distributions = packages_distributions()
    names = declared()
    undeclared = {
        module: files
        for module, files in third_party_imports().items()
        if module not in PROVIDED_BY_THE_KERNEL
        and not {canonicalize_name(d) for d in distributions.get(module, [module])} & set(names)
    }
    assert undeclared == {}, f"imported but not in pyproject.toml's dependencies: {undeclared}"


def test_every_declared_package_is_imported():
    """No dependency is declared that nothing uses."""
    distributions = packages_distributions()
    used = {canonicalize_name(d) for module in third_party_imports() for d in distributions.get(module, [module])}
    assert set(declared()) - used == set()


def test_this_environment_satisfies_the_declared_bounds():
    """Both stacks install the course with --no-deps or from pins: check the versions they hold."""
    wrong = {
        name: version(name)
        for name, requirement in declared().items()
        if not requirement.specifier.contains(version(name), prereleases=True)
    }
    assert wrong == {}, f"installed versions outside pyproject.toml's bounds: {wrong}"


def test_the_colab_stack_installs_each_lower_bound():
    """Each declared `>=` bound is pinned in constraints-colab.txt, so `make test-colab` tests that very version."""
    pins = colab_pins()
    bounds = {}
    for name, requirement in declared().items():
        (spec,) = requirement.specifier
        assert spec.operator == ">=", f"{name}: only lower bounds are declared, found {spec}"
        bounds[name] = spec.version
    assert bounds == {name: pins.get(name) for name in bounds}
