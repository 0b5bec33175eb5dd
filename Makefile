# The platform's commands. `make demo` and `make test` work on a fresh machine.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
MANAGE := $(PYTHON) manage.py
UV := $(BIN)/uv
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

.PHONY: help install assets messages migrate demo serve test test-fast lint fuzz bench bench-requests bench-gridscale bench-assessment bench-coverage bench-stats load faults backup-drill clean

help:
	@echo "make demo   set up everything and serve the demo city on http://127.0.0.1:8000/"
	@echo "make test   set up what tests need and run the whole suite"
	@echo "make bench  benchmarks on PostgreSQL with the large data set (see docs/benchmarks.md)"
	@echo "make bench-requests  residents' requests filed and dispatched under load (gunicorn, PostgreSQL; ~2 min)"
	@echo "make bench-gridscale  grid pages on a city-scale grid data set (944 grids, 200,000 requests; PostgreSQL)"
	@echo "make bench-assessment  assessment pages on a city with ~1,000 rated villages (PostgreSQL)"
	@echo "make bench-coverage  firm register and coverage statistics with 30,000 firms (PostgreSQL)"
	@echo "make bench-stats  dashboards, 大屏 and stats API of the whole city, cold and warm (PostgreSQL, large data set)"
	@echo "make load   mixed workload of personas with locust at 10, 50 and 100 users (gunicorn, PostgreSQL; ~6 min)"
	@echo "make faults  PostgreSQL restarted under load, worker killed mid-task (root: restarts PostgreSQL)"
	@echo "make backup-drill  back up, change, restore and compare fingerprints on a fresh demo database"
	@echo "make fuzz   the long run of schemathesis (API, Open311) and the fuzzed imports and forms (30+ min)"

$(PYTHON):
	$(PY) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync -q --python $(PYTHON) requirements.lock
	$(UV) pip install -q --python $(PYTHON) --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Copy the pinned npm assets into static files (never a CDN at run time).
assets: node_modules/.package-lock.json
	@mkdir -p dangjian/static/vendor/bootstrap dangjian/static/vendor/htmx dangjian/static/vendor/echarts dangjian/static/vendor/bootstrap-icons
	@cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js dangjian/static/vendor/bootstrap/
	@cp node_modules/htmx.org/dist/htmx.min.js dangjian/static/vendor/htmx/
	@cp node_modules/echarts/dist/echarts.min.js dangjian/static/vendor/echarts/
	@cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts dangjian/static/vendor/bootstrap-icons/

messages: $(STAMP)
	$(MANAGE) compile_catalog

var:
	mkdir -p var

migrate: $(STAMP) var
	$(MANAGE) migrate -v 0

demo: install assets messages migrate
	$(MANAGE) seed_demo --scale small --seed 1 --if-empty
	$(MANAGE) demo_accounts
	@echo "Serving on http://127.0.0.1:8000/ (the background worker runs beside it; Ctrl+C stops both)"
	@trap 'kill 0' INT TERM EXIT; $(MANAGE) run_worker & $(MANAGE) runserver 127.0.0.1:8000 --noreload

serve: install
	@trap 'kill 0' INT TERM EXIT; $(MANAGE) run_worker & $(MANAGE) runserver 127.0.0.1:8000

# Browser tests need Debian's chromium and fonts-noto-cjk; .ci/run installs them.
test: install assets messages var
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run -v 0
	$(BIN)/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# The long fuzzing run: Schemathesis on the API and Open311 (all methods, coverage phase, many
# examples), and the fuzzed imports and forms with more examples (FUZZ_LONG=1; see tests/test_api_fuzz.py).
fuzz: install var
	FUZZ_LONG=1 $(BIN)/pytest -n $${PYTEST_WORKERS:-2} -p no:cacheprovider $(PYTEST_ARGS) \
		tests/test_api_fuzz.py tests/test_fuzz_imports.py tests/test_fuzz_forms.py

bench: install assets
	$(PYTHON) -m bench.run

# Builds its own small data set in dangjian_bench_grid (BENCH_GRID_DATABASE_URL); see docs/benchmarks.md.
bench-requests: install
	$(PYTHON) -m bench.requests_load

# Builds (once) the city-scale grid data set in dangjian_bench_gridscale (BENCH_GRIDSCALE_DATABASE_URL);
# see "Grid at city scale" in docs/benchmarks.md. --rebuild: BENCH_REBUILD=1.
bench-gridscale: install
	$(PYTHON) -m bench.gridscale

# Builds (once) the assessment data set in dangjian_bench_assessment (BENCH_ASSESSMENT_DATABASE_URL);
# see "Assessment at city scale" in docs/benchmarks.md. --rebuild: BENCH_REBUILD=1.
bench-assessment: install
	$(PYTHON) -m bench.assessment

bench-coverage: install
	$(PYTHON) -m bench.coverage

# On the large data set of `make bench` (restored from its dump or built); see "Statistics at city scale".
bench-stats: install
	$(PYTHON) -m bench.stats

# Locust against gunicorn on its own database dangjian_bench_load; see "Load with locust" in docs/benchmarks.md.
load: install
	$(PYTHON) -m bench.load.run

# Restarts PostgreSQL (root) and kills a worker; see "Faults" in docs/benchmarks.md.
faults: install
	$(PYTHON) -m bench.faults

# The restore drill on a fresh demo database (dangjian_bench_backup); see docs/backups.md.
backup-drill: install
	$(PYTHON) -m bench.backup_drill

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 dangjian/static/vendor
