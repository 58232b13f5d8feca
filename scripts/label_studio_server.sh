#!/usr/bin/env bash
# A throwaway Label Studio server (the PyPI package) for the annotation round trip and its
# test, in its own environment: never in the ledger's .venv.
#
#   eval "$(scripts/label_studio_server.sh start)"   # exports LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY
#   scripts/label_studio_server.sh stop
#
# `start` installs label-studio (and label-studio-sdk, its API client) from
# requirements-labelstudio.lock into .venv-labelstudio with uv when missing or when the lock
# changed, then starts `label-studio start` on a free port of 127.0.0.1 with a temporary
# data directory (SQLite), a user and an API token made up for this server, waits until it
# answers, and prints the export line. A second `start` while it runs prints the same line.
# `stop` ends the server by its process id (its process group) and removes the data.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=$ROOT/.venv-labelstudio
LOCK=$ROOT/requirements-labelstudio.lock
STATE=${LEDGER_LABEL_STUDIO_STATE:-/tmp/ledger-label-studio}
PYTHON=${PYTHON:-python3}
cmd=${1:-start}

running() {
    [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null
}

answers() {  # the health endpoint answers 200
    "$PYTHON" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"{sys.argv[1]}/health", timeout=2).read()
EOF
}

install() {
    if [ -x "$VENV/bin/label-studio" ] && cmp -s "$LOCK" "$VENV/.installed-lock"; then
        return
    fi
    echo "installing label-studio into $VENV (requirements-labelstudio.lock)" >&2
    command -v uv >/dev/null 2>&1 || "$PYTHON" -m pip install --quiet uv >&2
    uv venv --quiet --allow-existing --python "$PYTHON" "$VENV" >&2
    uv pip sync --quiet --compile-bytecode --python "$VENV/bin/python" "$LOCK" >&2
    cp "$LOCK" "$VENV/.installed-lock"
}

case "$cmd" in
start)
    install
    if running && answers "$(cat "$STATE/url")"; then
        echo "export LABEL_STUDIO_URL=$(cat "$STATE/url") LABEL_STUDIO_API_KEY=$(cat "$STATE/token")"
        exit 0
    fi
    [ -f "$STATE/pid" ] && kill -- -"$(cat "$STATE/pid")" 2>/dev/null || true
    rm -rf "$STATE"; mkdir -p "$STATE/data"; chmod 700 "$STATE"
    port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    token=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(20))')
    password=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(12))')
    url="http://127.0.0.1:$port"
    echo "$url" > "$STATE/url"; echo "$token" > "$STATE/token"; echo "$password" > "$STATE/password"
    user=${LEDGER_LABEL_STUDIO_USER:-annotator@ledger.local}
    echo "$user" > "$STATE/user"
    # its own session (setsid, no fork: its pid is its process group), so that `stop` ends
    # the server and every process it started by that one id
    cd "$STATE"
    LABEL_STUDIO_BASE_DATA_DIR="$STATE/data" setsid "$VENV/bin/label-studio" start \
        --no-browser --internal-host 127.0.0.1 --port "$port" --data-dir "$STATE/data" \
        --username="$user" --password="$password" --user-token="$token" \
        --enable-legacy-api-token >"$STATE/server.log" 2>&1 </dev/null &
    echo $! > "$STATE/pid"
    cd "$ROOT"
    started=$(date +%s)
    until answers "$url"; do
        if ! running; then
            echo "label-studio exited during start; last lines of $STATE/server.log:" >&2
            tail -20 "$STATE/server.log" >&2; exit 1
        fi
        if [ $(( $(date +%s) - started )) -gt "${LEDGER_LABEL_STUDIO_TIMEOUT:-300}" ]; then
            echo "label-studio did not answer on $url; see $STATE/server.log" >&2
            kill -- -"$(cat "$STATE/pid")" 2>/dev/null || true; exit 1
        fi
        sleep 1
    done
    echo "label-studio answers on $url after $(( $(date +%s) - started )) s (user $user, password in $STATE/password)" >&2
    echo "export LABEL_STUDIO_URL=$url LABEL_STUDIO_API_KEY=$token"
    ;;
stop)
    if [ -f "$STATE/pid" ]; then
        pid=$(cat "$STATE/pid")
        kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- -"$pid" 2>/dev/null || true
    fi
    rm -rf "$STATE"
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
