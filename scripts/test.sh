#!/usr/bin/env bash
# The whole test suite: lint, then pytest (SQLite, and PostgreSQL when TRACKER_TEST_DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
if [ -n "${TRACKER_TEST_DATABASE_URL:-}" ]; then
  echo "Testing on SQLite and on PostgreSQL ($TRACKER_TEST_DATABASE_URL)"
else
  echo "Testing on SQLite (set TRACKER_TEST_DATABASE_URL to test on PostgreSQL too)"
fi
exec .venv/bin/python -m pytest "$@"
