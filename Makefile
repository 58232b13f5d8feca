# The two contract commands are `make run` and `make test`; everything else is a convenience.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export GX_ANALYTICS_ENABLED := False
# The project's Dagster instance: sqlite under dagster_home/, or Postgres (deploy/postgres/)
# when LEDGER_WAREHOUSE=postgres.
ifeq ($(LEDGER_WAREHOUSE),postgres)
export DAGSTER_HOME ?= $(CURDIR)/deploy/postgres
else
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
endif

.PHONY: install run test test-faults lint format eval bench ui clean export report
.PHONY: label-studio-export label-studio-import lock-label-studio

# Install uv with pip when missing, then build the pinned environment from requirements.lock.
# --compile-bytecode: write the .pyc files at install time. Where PYTHONDONTWRITEBYTECODE is
# set (it is on the CI machines) Python would otherwise recompile every imported module in
# every process: +23 s on `make run` (dagster, dbt and GX are large).
$(STAMP): requirements.lock pyproject.toml
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/python -m orchestration.cli.run_all

test: $(STAMP)
	$(BIN)/ruff check orchestration tests benchmarks
	$(BIN)/python -m pytest -q

# kill -9 of a run at each stage, then a run that must land a clean run's tables (tests/test_faults.py),
# and make run beside a daemon-launched run (tests/test_lock_order.py)
test-faults: $(STAMP)
	$(BIN)/python -m pytest -q -m faults

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests benchmarks
	$(BIN)/ruff format --check orchestration tests benchmarks
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/macros

format: $(STAMP)
	$(BIN)/ruff format orchestration tests benchmarks
	$(BIN)/ruff check --fix orchestration tests benchmarks

eval: $(STAMP)
	$(BIN)/python -m orchestration.cli.evaluation

# The contract's tables as Parquet and CSV (UTF-8 with BOM) in LEDGER_EXPORT_DIR (exports/).
export: $(STAMP)
	$(BIN)/python -m orchestration.cli.export

# Serve the data-quality report (LEDGER_REPORT_DIR, default reports/) on a local port; set
# LEDGER_REPORT_URL to the printed URL for runs whose check metadata should link to it.
REPORT_PORT ?= 8765
REPORT_DIR  ?= $(or $(LEDGER_REPORT_DIR),reports)
report:
	@mkdir -p $(REPORT_DIR)
	@echo "serving $(REPORT_DIR) at http://127.0.0.1:$(REPORT_PORT)/index.html (Ctrl-C stops)"
	@echo "for links from the UI: export LEDGER_REPORT_URL=http://127.0.0.1:$(REPORT_PORT)"
	$(PYTHON) -m http.server $(REPORT_PORT) --bind 127.0.0.1 --directory $(REPORT_DIR)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# The UI and the daemon (schedule, sensor, run queue) on http://127.0.0.1:3000.
ui: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/python -m orchestration.defs.transform.manifest
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# Regenerate the lock after changing dependencies in pyproject.toml.
lock:
	uv pip compile pyproject.toml --group dev --python-version 3.11 --generate-hashes \
		--no-emit-index-url --no-header -o requirements.lock

# Label Studio round trip (README "Annotating with Label Studio"): tasks with the extractor's
# figures as predictions (LS_TASKS), and a Label Studio JSON export (LS_EXPORT) converted into
# the raw folder's annotation CSVs. push/pull: `$(BIN)/python -m orchestration.cli.label_studio`.
LS_TASKS  ?= exports/label-studio-tasks.json
LS_EXPORT ?= exports/label-studio-export.json
LS_RAW    ?= $(or $(LEDGER_RAW_DIR),raw)
label-studio-export: $(STAMP)
	$(BIN)/python -m orchestration.cli.label_studio export --raw $(LS_RAW) --out $(LS_TASKS)

label-studio-import: $(STAMP)
	$(BIN)/python -m orchestration.cli.label_studio import $(LS_EXPORT) --raw $(LS_RAW)

# Re-lock the Label Studio server's own environment (.venv-labelstudio, never .venv).
lock-label-studio:
	uv pip compile --group labelstudio-server --python-version 3.11 --generate-hashes \
		--no-emit-index-url --no-header -o requirements-labelstudio.lock

clean:
	rm -rf data reports .dagster_home dbt_project/target dbt_project/logs
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
