#!/usr/bin/env bash
# A local PostgreSQL server for drukflow's tests and for trying drukflow on PostgreSQL.
#
#   bash scripts/postgres.sh           # install if missing, start (or find running), print URL
#   bash scripts/postgres.sh restart   # restart the server (the connection-loss test uses it)
#   bash scripts/postgres.sh stop
#
# The server lives under DRUKFLOW_PG_DIR (default /tmp/drukflow-pg): data, log, unix socket
# and the port it listens on (127.0.0.1 only). It is a throwaway server: fsync is off. Its
# role and database are both "drukflow" (password "drukflow", CREATEDB so the tests can make
# a database per test). The last line on stdout is the SQLAlchemy URL; everything else goes
# to stderr, so `url=$(bash scripts/postgres.sh)` works. Safe to re-run.
set -euo pipefail

DIR="${DRUKFLOW_PG_DIR:-/tmp/drukflow-pg}"
DATA="$DIR/data"
LOG="$DIR/server.log"
ACTION="${1:-start}"

say() { echo "postgres.sh: $*" >&2; }

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

BIN=$(bindir || true)
if [ -z "$BIN" ]; then
    say "installing Debian's postgresql"
    bash "$(dirname "$0")/system-deps.sh" postgresql >&2
    BIN=$(bindir)
fi

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() { # the one given (else 55432) if nothing listens there, else any free one
    python3 - "${1:-55432}" <<'EOF'
import socket, sys
for port in [int(sys.argv[1]), 0]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as postgres binds
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(s.getsockname()[1])
    s.close()
    break
EOF
}

mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
    say "initdb in $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >&2
    cat >>"$DATA/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_checkpoints = off
# Not UTC on purpose: drukflow's sessions ask for UTC themselves (cases/core/db.py).
timezone = 'Asia/Thimphu'
EOF
fi
[ -f "$DIR/port" ] || free_port >"$DIR/port"
PORT=$(cat "$DIR/port")

running() { as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

case "$ACTION" in
start) ;;
restart)
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -m fast -w restart >&2
    exit 0
    ;;
stop)
    running && as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    exit 0
    ;;
*)
    say "unknown action $ACTION (start, restart, stop)"
    exit 2
    ;;
esac

if running; then
    say "server already running in $DATA on port $PORT"
else
    PORT=$(free_port "$PORT") # someone else may have taken it since
    echo "$PORT" >"$DIR/port"
    say "starting the server in $DATA on port $PORT"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -w start >&2
fi

psql_super() { as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -qAtX "$@"; }
if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = 'drukflow'")" != 1 ]; then
    psql_super -c "CREATE ROLE drukflow LOGIN CREATEDB PASSWORD 'drukflow'"
fi
if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = 'drukflow'")" != 1 ]; then
    psql_super -c "CREATE DATABASE drukflow OWNER drukflow"
fi

URL="postgresql+psycopg://drukflow:drukflow@127.0.0.1:$PORT/drukflow"
echo "$URL" >"$DIR/url"
echo "$URL"
