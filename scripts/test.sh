#!/usr/bin/env bash
# Install what the test suite needs (into .venv, from uv.lock), lint, and run pytest twice:
# on SQLite (the embedded default), then on PostgreSQL (a server of this run's own, from
# scripts/postgres.sh, stopped when the run ends). Each run spreads its test files over the
# machine's cores (pytest-xdist; DRUKFLOW_TEST_WORKERS sets how many, 0 runs them in one
# process). Extra arguments go to both pytest runs.
# DRUKFLOW_TEST_POSTGRES=0 skips the second run. Used by CI (.ci/run) and by developers;
# safe to re-run, and two runs on one machine do not share a server.
set -euo pipefail

cd "$(dirname "$0")/.."

# Real-browser tests drive Debian's chromium (never a Playwright-downloaded browser); PDFs
# need pango; the PostgreSQL run needs Debian's postgresql.
deps=(chromium)
[ "${DRUKFLOW_TEST_POSTGRES:-1}" != 0 ] && deps+=(postgresql)
bash scripts/system-deps.sh "${deps[@]}"

bash scripts/install.sh test
export VIRTUAL_ENV="$PWD/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
python -m ruff check .
python -m ruff format --check .

# One database's suite: the files spread over the workers, then the tests marked `alone`
# (they restart the database server) in one process once the others are done. A pass that
# selects nothing (exit 5: e.g. a -k matching none of them) is not a failure.
suite() {
    local rc=0
    python -m pytest -n "${DRUKFLOW_TEST_WORKERS:-auto}" --dist loadfile --durations=15 \
        -m "not alone" "$@" || rc=$?
    [ "$rc" = 5 ] && rc=0
    local alone=0
    python -m pytest "$@" -m alone || alone=$?
    [ "$alone" = 5 ] && alone=0
    [ "$rc" != 0 ] && return "$rc"
    return "$alone"
}

status=0
echo "== the suite on SQLite"
suite "$@" || status=$?
if [ "${DRUKFLOW_TEST_POSTGRES:-1}" != 0 ]; then
    DRUKFLOW_PG_DIR=$(mktemp -d /tmp/drukflow-pg-test.XXXXXX)
    export DRUKFLOW_PG_DIR
    stop_postgres() {
        bash scripts/postgres.sh stop || true
        rm -rf "$DRUKFLOW_PG_DIR"
    }
    trap stop_postgres EXIT
    url=$(bash scripts/postgres.sh)
    echo "== the suite on PostgreSQL ($url)"
    DRUKFLOW_TEST_DATABASE_URL="$url" suite "$@" || status=$?
fi
exit "$status"
