#!/usr/bin/env bash
# Everything `make test` runs: lint, every test on SQLite, then every test again on a real PostgreSQL
# server (a throwaway one unless KESU_TEST_DATABASE_URL names one).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# `make test` installs everything the tests need, so nothing may be skipped for lack of it (tests/paths.py).
export CI="${CI:-true}"

bash scripts/ensure-system-packages.sh
"$BIN/ruff" check src tests bench
# The layers of docs/architecture.md (contracts in pyproject.toml).
"$BIN/lint-imports"

echo "== tests on SQLite =="
"$BIN/python" -m pytest -q -p no:cacheprovider "$@"

echo "== tests on PostgreSQL =="
if [ -n "${KESU_TEST_DATABASE_URL:-}" ]; then
  url=$KESU_TEST_DATABASE_URL
else
  pgdir=$(mktemp -d /tmp/kesu-pg-XXXXXX)
  trap 'bash scripts/pg.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
  url=$(bash scripts/pg.sh start "$pgdir")
fi
KESU_DATABASE_URL=$url "$BIN/python" -m pytest -q -p no:cacheprovider "$@"
