#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages.
#
#   eval "$(scripts/postgres_test_server.sh start)"   # exports LEDGER_TEST_POSTGRES_URL
#   scripts/postgres_test_server.sh stop
#
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user in a
# temporary data directory, on a free port of 127.0.0.1 only.
set -euo pipefail
STATE=/tmp/ledger-postgres-test
cmd=${1:-start}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    if [ -z "$(pg_bin)" ]; then
        echo "installing postgresql (Debian)" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    fi
    BIN=$(pg_bin)
    if [ -f "$STATE/port" ] && as_postgres "$BIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then
        port=$(cat "$STATE/port")
    else
        rm -rf "$STATE"; mkdir -p "$STATE"
        chown postgres "$STATE" 2>/dev/null || true
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        as_postgres "$BIN/initdb" -D "$STATE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 \
            || as_postgres "$BIN/initdb" -D "$STATE/data" -U postgres --auth=trust -E UTF8 >"$STATE/initdb.log" 2>&1
        as_postgres "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
            -o "-p $port -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
        echo "$port" > "$STATE/port"
        as_postgres "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE ledger" >&2
    fi
    echo "export LEDGER_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/ledger"
    ;;
stop)
    BIN=$(pg_bin)
    if [ -n "$BIN" ] && [ -d "$STATE/data" ]; then
        as_postgres "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$STATE"
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
