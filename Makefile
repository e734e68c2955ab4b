# One command runs the service, one runs the tests; each installs what it needs into .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format audit bench-seed clean

$(STAMP): setup.cfg pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip setuptools
	$(VENV)/bin/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)  ## Serve the API with demo data on SQLite, with the scheduler beside it
	scripts/serve.sh

test: $(STAMP)  ## Lint, then run the whole suite (SQLite; PostgreSQL too when TRACKER_TEST_DATABASE_URL is set)
	scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

audit: $(STAMP)  ## Known vulnerabilities of the installed packages (needs PyPI's JSON API or OSV)
	$(VENV)/bin/python -m pip install --quiet pip-audit
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
