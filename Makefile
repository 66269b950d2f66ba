# opiflow: `make run` sets everything up and starts the app with demo data;
# `make test` sets everything up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run demo test lint bench mutation clean translations translations-check

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(BIN)/.installed node_modules/.installed

demo: setup
	$(BIN)/opiflow init-db
	$(BIN)/opiflow deploy
	$(BIN)/opiflow demo

run: demo
	$(BIN)/opiflow serve

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check engine webui tests bench
	$(BIN)/mypy engine
	npx --no-install bpmnlint workflows/*/*.bpmn tests/data/*/*.bpmn

bench: setup
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/scripts.py

# Mutation testing of the domain rules (engine/rules) with the fast rule tests; not in CI.
# Always from a clean mutants/ folder (cached results may predate new tests). One module
# at a time: make mutation MUTANTS='engine.rules.award.*'
MUTANTS ?=
mutation: setup
	rm -rf mutants
	$(BIN)/mutmut run $(MUTANTS) > mutants.log 2>&1 || (tail -20 mutants.log; false)
	$(BIN)/python bench/mutation_score.py

clean:
	rm -rf $(VENV) node_modules instance test-output mutants

# the gettext catalogues (webui/translations): find new strings, keep the translations,
# list what is left to translate (webui/messages.py); `make translations-check` fails on it
translations: setup
	$(BIN)/python -m webui.messages update

translations-check: setup
	$(BIN)/python -m webui.messages check
