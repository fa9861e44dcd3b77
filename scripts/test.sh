#!/usr/bin/env bash
# Install what the test suite needs, lint, and run pytest twice: on SQLite (the embedded
# default), then on PostgreSQL (a local server from scripts/postgres.sh). Extra arguments go
# to both pytest runs. DRUKFLOW_TEST_POSTGRES=0 skips the second run.
# Used by CI (.ci/run) and by developers; safe to re-run.
set -euo pipefail

cd "$(dirname "$0")/.."

# Real-browser tests drive Debian's chromium (never a Playwright-downloaded browser); PDFs
# need pango (scripts/system-deps.sh).
bash scripts/system-deps.sh chromium

python -m pip install -e '.[test]'
python -m ruff check .

status=0
echo "== the suite on SQLite"
python -m pytest "$@" || status=$?
if [ "${DRUKFLOW_TEST_POSTGRES:-1}" != 0 ]; then
    url=$(bash scripts/postgres.sh)
    echo "== the suite on PostgreSQL ($url)"
    DRUKFLOW_TEST_DATABASE_URL="$url" python -m pytest "$@" || status=$?
fi
exit "$status"
