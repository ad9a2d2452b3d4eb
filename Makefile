# SupportReplay: `make run` starts the product, `make test` checks it. Both install what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
JS_SOURCES := $(shell find static -path '*/src/*' -name '*.js' -o -name 'build.mjs' 2>/dev/null)

.PHONY: run test install build lint format js-test clean

run: install build
	$(PY) scripts/run.py

test: install build
	scripts/system-deps.sh --browser --proxy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	node --test static/
	$(PY) scripts/test.py $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	scripts/system-deps.sh
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: static/.built

static/.built: node_modules/.installed $(JS_SOURCES)
	npm run --silent build
	touch $@

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/.built var/test-*.sqlite3
