# Every target bootstraps its own virtual environment: a fresh clone needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
# SALES_TARGETS_ENGINE=spark: the models build on Spark, whose packages (the `spark`
# extra: pyspark, dbt-spark) are installed on first use
ENGINE_STAMP := $(if $(filter spark,$(SALES_TARGETS_ENGINE)),$(SPARK_STAMP),$(STAMP))

export DAGSTER_HOME := $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: demo test test-spark dev prepare bench lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,spark]'
	@touch $(SPARK_STAMP)

## demo: generate demo sources, materialize every quarter, check, publish, report
demo: $(ENGINE_STAMP)
	$(BIN)/sales-targets demo

## test: the whole test suite (unit, dbt, Dagster end to end) on the embedded DuckDB
test: $(STAMP)
	$(BIN)/sales-targets prepare
	$(BIN)/pytest -n 2 --durations=20 -m "not spark"

## test-spark: the pipeline on Spark publishes the DuckDB store (needs Java 17)
test-spark: $(SPARK_STAMP)
	$(BIN)/sales-targets prepare
	SALES_TARGETS_REQUIRE_SPARK=1 $(BIN)/pytest -m spark --durations=10

## dev: the Dagster UI on workspace.yaml (runs from `make demo` show up here)
dev: $(ENGINE_STAMP)
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
