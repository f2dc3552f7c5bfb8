# The course's commands. On a fresh machine you need only Python 3.11+ and make.
#   make lab           set up .venv and open the notebooks in JupyterLab
#   make test          set up .venv (the pinned stack, requirements.txt), lint, run the unit tests and
#                      every notebook in smoke mode
#   make run           execute every notebook in full mode, in place, and refresh results/
# What CI (.ci/run) adds:
#   make test-colab    the same tests on Google Colab's stack (constraints-colab.txt) in .venv-colab,
#                      the course installed by the notebooks' own Colab setup cell from a fresh clone
#   make test-browser  the lessons run in JupyterLab in headless Chromium (needs `apt-get install chromium`)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS ?= $(sort $(wildcard notebooks/*.ipynb))
PYTEST_ARGS ?=
# TensorFlow C++ start-up messages go to the terminal, not the notebooks; keep them quiet.
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: venv lab test unit run lint benchmarks clean colab-venv test-colab test-browser

$(STAMP): requirements.txt requirements-tests.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)

# Jupyter refuses to start as root (containers, CI images) unless told it may.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: venv
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

lint: venv
	$(BIN)/ruff check .

test: lint
	COURSE_MODE=smoke MPLBACKEND=Agg $(BIN)/python -m pytest --nbval-lax \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 \
		-p no:randomly $(PYTEST_ARGS) tests $(NOTEBOOKS)

unit: venv
	COURSE_MODE=smoke MPLBACKEND=Agg $(BIN)/python -m pytest $(PYTEST_ARGS) tests

# The Colab stack. Colab runs Python 3.13: it is used where this machine has it (pyenv's, say),
# otherwise $(PYTHON). Only what Colab preinstalls goes into the venv first; the course itself is
# installed by its setup cell (`pip install -q -e` of a fresh clone, so the clone holds committed work
# only: commit before `make test-colab`), then the test tools; constraints-colab.txt holds every version.
COLAB_VENV := .venv-colab
COLAB_BIN := $(abspath $(COLAB_VENV))/bin
COLAB_STAMP := $(COLAB_VENV)/.installed
COLAB_PREINSTALLED := tensorflow keras numpy
# Colab's /content: the setup cell clones the course into it, as $(COLAB_CLONE).
COLAB_CONTENT := $(COLAB_VENV)/content
COLAB_CLONE := $(COLAB_CONTENT)/cnn-rnn-keras
ifeq ($(origin COLAB_PYTHON),undefined)
COLAB_PYTHON := $(or $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.13*/bin/python3.13; do "$$p" -c 'import venv' 2>/dev/null && echo "$$p" && break; done),$(PYTHON))
endif

$(COLAB_STAMP): constraints-colab.txt
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_BIN)/python -m pip install -q -c constraints-colab.txt $(COLAB_PREINSTALLED)
	@touch $@

colab-venv: $(COLAB_STAMP)

test-colab: colab-venv
	PIP_CONSTRAINT=$(abspath constraints-colab.txt) $(COLAB_BIN)/python tests/colab/run_setup_cell.py \
		$(firstword $(NOTEBOOKS)) $(COLAB_CONTENT) file://$(CURDIR)
	$(COLAB_BIN)/python $(COLAB_CLONE)/tests/course_imports.py
	$(COLAB_BIN)/python -m pip install -q -c constraints-colab.txt -r requirements-tests.txt
	@cd $(COLAB_CLONE) && for notebook in $(NOTEBOOKS); do test -e $$notebook || \
		echo "test-colab: $$notebook is not committed, so Colab would not see it and this run skips it"; done
	cd $(COLAB_CLONE) && COURSE_MODE=smoke MPLBACKEND=Agg $(COLAB_BIN)/python -m pytest --nbval-lax \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 \
		-p no:randomly $(PYTEST_ARGS) tests $$(ls -d $(NOTEBOOKS) 2>/dev/null)

# JupyterLab in a real browser: Playwright from PyPI drives Debian's Chromium; see tests/browser/.
BROWSER_STAMP := $(VENV)/.browser-installed
BROWSER_NOTEBOOKS ?= $(NOTEBOOKS)

$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	$(BIN)/python -m pip install -q -r requirements-browser.txt
	@touch $@

test-browser: $(BROWSER_STAMP)
	BROWSER_NOTEBOOKS="$(BROWSER_NOTEBOOKS)" $(BIN)/python -m pytest -p no:randomly --durations=0 $(PYTEST_ARGS) \
		tests/browser

run: venv
	COURSE_MODE=full $(BIN)/python scripts/run_notebooks.py $(NOTEBOOKS)

benchmarks: venv
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(COLAB_VENV) results/smoke *.egg-info tests/browser/screenshots
