# The commands a newcomer needs. `make run` and `make test` are the contract (see README.md).
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
BASE_PYTHON ?= $(shell if command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" ]; then echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python"; else command -v python3.10; fi)
VENV := .venv
PY := $(VENV)/bin/python
DEPS_STAMP := $(VENV)/.deps-installed

.PHONY: setup run train chat test test-fast check-data eval eval-gate lock clean help

help:
	@echo "make setup        create .venv and install the dependencies (the other targets do it when needed)"
	@echo "make run          set up, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make train        train the model if data or config changed (checks the data first)"
	@echo "make chat         talk to the running assistant in this terminal"
	@echo "make check-data   validate the training data with clear messages (file, line, fix)"
	@echo "make eval         evaluate the NLU and compare with the accepted report"
	@echo "make eval-gate    the CI accuracy gate: held-out and regression-set accuracy vs the accepted report"
	@echo "make test         set up and run every test (data checks, pytest, NLU accuracy gate)"
	@echo "make test-fast    pytest without the slow tests (those that train a model or start servers)"
	@echo "make lock         re-pin requirements.txt from requirements.in (developers)"
	@echo "make clean        delete var/ (local databases and logs), models/, .rasa/ and .cache/"

$(DEPS_STAMP): requirements.txt pyproject.toml
	@if [ -z "$(BASE_PYTHON)" ]; then echo "Python $(PYTHON_VERSION) not found: install it with 'pyenv install $(PYTHON_VERSION)'." >&2; exit 1; fi
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

setup: $(DEPS_STAMP)

train: setup
	$(PY) -m bot train

run: setup
	$(PY) -m bot run

chat: setup
	$(PY) -m bot chat

EVAL_MARGIN ?= 0.02

test: setup
	bash scripts/install_system_packages.sh
	$(PY) -m bot.trainer check-data
	$(PY) -m pytest
	$(PY) -m bot.trainer eval --heldout-only --gate --margin $(EVAL_MARGIN)

check-data: setup
	$(PY) -m bot.trainer check-data

eval: setup
	$(PY) -m bot.trainer eval

eval-gate: setup
	$(PY) -m bot.trainer eval --heldout-only --gate --margin $(EVAL_MARGIN)

test-fast: setup
	$(PY) -m pytest -m "not slow"

lock:
	$(PY) -m pip install --quiet -r requirements.in
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.txt

clean:
	rm -rf var models .rasa .cache
