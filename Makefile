# CiteCare: `make run` sets up and starts the app on the seed corpus; `make test` sets up and runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export HF_HUB_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1
export ANONYMIZED_TELEMETRY=False
export GRADIO_ANALYTICS_ENABLED=False

.PHONY: run test install install-test ingest lint bench eval clean readme axe triage-model

# axe-core (npm) for the browser accessibility tests, in a git-ignored folder; they fail without it under CI=true.
AXE_VERSION := 4.14.1
AXE_DIR := .cache/npm
AXE_JS := $(AXE_DIR)/node_modules/axe-core/axe.min.js

run: install ingest
	$(PY) app.py

test: install-test axe
	$(PY) -m ruff check citecare tests app.py scripts
	$(PY) -m mypy citecare
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# torch is pinned in pyproject (torch==2.13.0, the CPU wheel) so pip never pulls a CUDA build.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

axe:
	@if [ -f $(AXE_JS) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(AXE_DIR) --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION); \
	else echo "npm not found: the accessibility checks need axe-core (apt-get install npm; CI does)"; fi

# Incremental: unchanged documents cost nothing, so this is cheap when the index is current.
ingest: install
	$(VENV)/bin/citecare ingest

lint: install-test
	$(PY) -m ruff check citecare tests app.py scripts
	$(PY) -m mypy citecare

# Small scale (minutes); the README's table also has --scale 10000 and 100000 (hours on this machine).
bench: install
	$(VENV)/bin/citecare bench --scale 1000 --backend onnx-int8

clean:
	rm -rf $(VENV) data .pytest_cache .cache

# Regenerate the README's settings table from citecare/config.py (tests fail when they drift).
readme: install
	$(PY) scripts/update_readme.py

# Retrain the learned triage layer from citecare/data/safety/triage-train*.jsonl (thresholds from the dev split).
triage-model: install
	$(PY) scripts/train_triage.py
