# The README's two commands are `make demo` and `make test`; everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck unit conformance bench bench-runtime browser

$(BIN)/cloudflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The demo runs the order example through the local stack (the API over the handlers, DynamoDB, SQS,
# Scheduler and S3 on in-process moto), prints how it ended and its console URL, and serves until Ctrl-C.
demo: $(BIN)/cloudflow
	$(BIN)/cloudflow demo

lint: $(BIN)/cloudflow
	$(BIN)/ruff check .
	$(BIN)/mypy

# pytest exits 5 when a selection collects no test (e.g. `make unit PYTEST_ARGS="-m deployed"`
# without a stack); that is reported plainly and not treated as a crash.
unit: $(BIN)/cloudflow
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

# The console's browser tests drive Debian's Chromium (Playwright never downloads one).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: browser lint unit

bench: $(BIN)/cloudflow
	$(BIN)/python bench/engine.py

bench-runtime: $(BIN)/cloudflow
	$(BIN)/python bench/runtime.py --load 20
