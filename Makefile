# Every target bootstraps its own virtual environment: a fresh clone needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DAGSTER_HOME := $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: demo test dev prepare bench lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## demo: generate demo sources, materialize every quarter, check, publish, report
demo: $(STAMP)
	$(BIN)/sales-targets demo

## test: the whole test suite (unit, dbt, Dagster end to end)
test: $(STAMP)
	$(BIN)/sales-targets prepare
	$(BIN)/pytest -n 2 --durations=20

## dev: the Dagster UI on workspace.yaml (runs from `make demo` show up here)
dev: $(STAMP)
	$(BIN)/sales-targets prepare
	$(BIN)/dagster dev -w workspace.yaml

## bench: the benchmark against its lower bounds (bench/README.md); BENCH_ARGS=--quick to smoke it
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

prepare: $(STAMP)
	$(BIN)/sales-targets prepare

lint: $(STAMP)
	$(BIN)/ruff check orchestration models tests
	$(BIN)/ruff format --check orchestration models tests

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache
