#!/usr/bin/env bash
# Everything `make test` runs: lint, then every test on SQLite, then the database tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/ruff" check src tests bench
"$BIN/python" -m pytest -q "$@"
