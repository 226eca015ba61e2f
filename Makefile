# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One store for the demo, the CLI and JupyterLab (notebooks run from notebooks/).
export COMMLIB_DB ?= $(CURDIR)/data/workbench.db

.PHONY: demo test system lab bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(VENV)/.installed system ## build the demo store, show what is in it, write its reports
	$(BIN)/commlib demo --replace --reports reports
	$(BIN)/commlib status

test: $(VENV)/.installed system ## lint, then the whole test suite (browser and PostgreSQL included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

system: ## Debian packages the tests and the demo's PDF need (chromium, CJK fonts, postgresql), installed when missing
	.ci/system-packages

lab: $(VENV)/.installed ## JupyterLab on notebooks/, against the same store
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(VENV)/.installed ## benchmarks: ratios against baselines, into benchmarks/results.*
	$(BIN)/python benchmarks/run.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
