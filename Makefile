# The course's commands. On a fresh machine you need only Python 3.10+ and make.
#   make lab   set up .venv and open the notebooks in JupyterLab
#   make test  set up .venv, lint, run the unit tests and every notebook (drafts too) in smoke mode
#   make run   execute every notebook in full mode, in place, and refresh results/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS ?= $(sort $(wildcard notebooks/*.ipynb))
# Draft lessons (no full-run outputs yet) are smoke-run by `make test` too, so their code cannot rot.
DRAFTS ?= $(sort $(wildcard notebooks/drafts/*.ipynb))
PYTEST_ARGS ?=
# TensorFlow C++ start-up messages go to the terminal, not the notebooks; keep them quiet.
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: venv lab test unit run lint benchmarks clean

$(STAMP): requirements.txt pyproject.toml
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
		-p no:randomly $(PYTEST_ARGS) tests $(NOTEBOOKS) $(DRAFTS)

unit: venv
	COURSE_MODE=smoke MPLBACKEND=Agg $(BIN)/python -m pytest $(PYTEST_ARGS) tests

run: venv
	COURSE_MODE=full $(BIN)/python scripts/run_notebooks.py $(NOTEBOOKS)

benchmarks: venv
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) results/smoke *.egg-info
