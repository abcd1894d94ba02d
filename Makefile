# The two commands of the quick start: `make demo` and `make test`.
# Everything installs into .venv from the lock files, so a fresh machine with
# only Python 3.11 and pip is enough.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make demo` serves: `make demo BIND=127.0.0.1:8001`.
BIND ?= 127.0.0.1:8000

.PHONY: demo test install install-test lint typecheck pytest lock bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Accord needs Python 3.11, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/accord demo --bind $(BIND)

lint: install-test
	$(BIN)/ruff check accord tests benchmarks
	$(BIN)/ruff format --check accord tests benchmarks

typecheck: install-test
	$(BIN)/mypy

pytest: install-test
	scripts/run-tests

test: lint typecheck pytest

bench: install-test
	$(BIN)/pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/sla_bench.py

# Regenerate the lock files from pyproject.toml (needs network access to PyPI).
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable --exclude accord > requirements-test.lock

clean:
	rm -rf $(VENV) build *.egg-info
