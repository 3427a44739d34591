# zhuanjie — the two README commands (`make run`, `make test`) and the developer targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench install system-deps clean-venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## system-deps: the CJK font and PDF libraries of the paper letter (apt-get, only if missing)
system-deps:
	@scripts/install-system-deps.sh

install: system-deps $(STAMP)

## make run: install, migrate var/zhuanjie.db, load the demo data once, serve on :5000
run: install
	$(BIN)/zhuanjie db upgrade
	$(BIN)/zhuanjie demo load
	$(BIN)/zhuanjie serve --host 127.0.0.1 --port 5000

## make test: the whole suite (PostgreSQL variants when ZHUANJIE_TEST_PG_URL is set)
test: install
	@scripts/ensure-services.sh
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy app/org

clean-venv:
	rm -rf $(VENV)
