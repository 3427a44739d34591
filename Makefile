# zhuanjie — the two README commands (`make run`, `make test`) and the developer targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench install system-deps node-deps diagrams clean-venv faults

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## system-deps: the CJK font and PDF libraries of the paper letter (apt-get, only if missing)
system-deps:
	@scripts/install-system-deps.sh

## node-deps: bpmn-js under node_modules/ (npm ci from package-lock.json), for the diagram
## viewer and `python -m tools.bpmnbuild.preview`; the test suite does not need it
NODE_STAMP := node_modules/.installed-stamp
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "warning: npm not found; bpmn-js (node_modules/) is not installed" >&2; fi

node-deps: $(NODE_STAMP)

install: system-deps $(STAMP) node-deps

## make diagrams: compile the procedure definitions of tools/procedures/ into bpmn/
diagrams: install
	$(BIN)/python -m tools.bpmnbuild

## make run: install, migrate var/zhuanjie.db, load the demo data once, deploy bpmn/
## (unchanged diagrams are not new versions), serve on :5000 with the timer sweep
run: install
	$(BIN)/zhuanjie db upgrade
	$(BIN)/zhuanjie demo load
	$(BIN)/zhuanjie deploy --as system:make-run --note "bpmn/ at start-up"
	$(BIN)/zhuanjie serve --host 127.0.0.1 --port 5000

## make test: the whole suite (PostgreSQL variants when ZHUANJIE_TEST_PG_URL is set)
test: install
	@scripts/ensure-services.sh
	$(BIN)/pytest

## make faults: kill -9 web workers and schedulers under load on PostgreSQL (database
## zj_faults, made fresh), then `zhuanjie doctor`, lost completions, double timer fires,
## stuck cases (tests/faults/run.py; not part of `make test`). FAULTS_ARGS="--seconds 120"
FAULTS_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432
faults: install
	@ZHUANJIE_TEST_PG_URL=$${ZHUANJIE_TEST_PG_URL:-$(FAULTS_PG)/test} scripts/ensure-services.sh
	$(BIN)/python -m tests.faults.run --pg $(FAULTS_PG) $(FAULTS_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy app/org app/workcal app/engine

clean-venv:
	rm -rf $(VENV)

## make bench: the benchmark figures of docs/benchmarks.md into bench/results.json (needs
## PostgreSQL: $ZHUANJIE_BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432;
## takes tens of minutes; not part of `make test`)
bench: install
	@ZHUANJIE_TEST_PG_URL="$${ZHUANJIE_BENCH_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432}" \
	  scripts/ensure-services.sh
	$(BIN)/python -m bench.run $(BENCH_ARGS)
