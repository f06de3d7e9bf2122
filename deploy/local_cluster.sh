#!/usr/bin/env bash
# A class server on this machine, without containers: REPLICAS copies of the app on 127.0.0.1
# behind Debian's nginx, with the same nginx config as deploy/docker-compose.yml
# (deploy/nginx.conf.template, filled in only with the upstream addresses and local paths).
#
#     bash deploy/local_cluster.sh                 # 3 replicas, nginx on 127.0.0.1:8080
#     LB_PORT=9000 REPLICAS=2 bash deploy/local_cluster.sh
#
# Contract: runs in the foreground until interrupted; nginx listens on 127.0.0.1:${LB_PORT:-8080};
# ready when http://127.0.0.1:$LB_PORT/_stcore/health answers "ok" (it prints "ready: …" then);
# SIGTERM or Ctrl-C stops every process it started. The replicas share one run store
# (SQLite in WAL mode on this local disk; LSTM_LAB_DB, default in the state folder) so a run link
# works whichever replica the browser lands on. nginx's access log (state folder, access.log)
# records the replica that served each request: benchmarks/load_test.py --lb-log reads it.
#
# Environment: REPLICAS (3), LB_PORT (8080), BASE_PORT (first replica's port, 8601),
# LAB_STATE (folder for nginx's config, logs and the run store; default: a new temporary folder),
# VENV (.venv, as scripts/run_app.sh), and every LSTM_LAB_* limit, passed on to the replicas.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
REPLICAS="${REPLICAS:-3}"
LB_PORT="${LB_PORT:-8080}"
BASE_PORT="${BASE_PORT:-8601}"
LAB_STATE="${LAB_STATE:-$(mktemp -d -t lstm-lab-cluster.XXXXXX)}"
export LSTM_LAB_DB="${LSTM_LAB_DB:-$LAB_STATE/runs.sqlite3}"
mkdir -p "$LAB_STATE"

say() { printf '[local_cluster] %s\n' "$*"; }

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's nginx with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
            || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    else
        echo "error: nginx is not installed: sudo apt-get install -y nginx" >&2
        exit 1
    fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

PIDS=()
stop_all() {
    trap - INT TERM EXIT
    say "stopping ${#PIDS[@]} processes"
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

healthy() { [ "$(curl -fsS --max-time 2 "$1/_stcore/health" 2>/dev/null)" = "ok" ]; }

wait_healthy() {  # url, seconds
    local deadline=$((SECONDS + $2))
    until healthy "$1"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "error: $1 did not become healthy within $2 s (logs in $LAB_STATE)" >&2
            exit 1
        fi
        sleep 0.5
    done
}

# --- the replicas ----------------------------------------------------------------------------
UPSTREAMS=""
for ((i = 0; i < REPLICAS; i++)); do
    port=$((BASE_PORT + i))
    say "replica $i on 127.0.0.1:$port (log: $LAB_STATE/replica-$i.log)"
    # run_app.sh installs the requirements (a no-op when present) and starts Streamlit; its own
    # process group so a stop reaches Streamlit and everything under it.
    setsid bash scripts/run_app.sh \
        --server.address 127.0.0.1 --server.port "$port" --server.headless true \
        --server.fileWatcherType none --browser.gatherUsageStats false \
        >"$LAB_STATE/replica-$i.log" 2>&1 &
    PIDS+=($!)
    # The first replica alone first: on a fresh clone it creates the virtual environment.
    [ "$i" = 0 ] && wait_healthy "http://127.0.0.1:$port" 600
    UPSTREAMS+="        server 127.0.0.1:$port;"$'\n'
done
for ((i = 0; i < REPLICAS; i++)); do
    wait_healthy "http://127.0.0.1:$((BASE_PORT + i))" 120
done

# --- nginx -----------------------------------------------------------------------------------
mkdir -p "$LAB_STATE"/{body,proxy,fastcgi,uwsgi,scgi}
# nginx started by root runs its workers as "nobody": they must be able to write the temp folders.
chmod 1777 "$LAB_STATE"/{body,proxy,fastcgi,uwsgi,scgi}
export LAB_LISTEN="127.0.0.1:$LB_PORT" LAB_UPSTREAMS="$UPSTREAMS" LAB_PID="$LAB_STATE/nginx.pid" \
    LAB_TEMP="$LAB_STATE" LAB_ACCESS_LOG="$LAB_STATE/access.log" LAB_ERROR_LOG="$LAB_STATE/error.log"
# shellcheck disable=SC2016  # the single quotes are for envsubst: only these names are replaced
envsubst '${LAB_LISTEN} ${LAB_UPSTREAMS} ${LAB_PID} ${LAB_TEMP} ${LAB_ACCESS_LOG} ${LAB_ERROR_LOG}' \
    <deploy/nginx.conf.template >"$LAB_STATE/nginx.conf"
"$NGINX" -t -q -p "$LAB_STATE" -c "$LAB_STATE/nginx.conf"
setsid "$NGINX" -p "$LAB_STATE" -c "$LAB_STATE/nginx.conf" -g "daemon off;" &
PIDS+=($!)
wait_healthy "http://127.0.0.1:$LB_PORT" 30
say "ready: http://127.0.0.1:$LB_PORT ($REPLICAS replicas; state folder $LAB_STATE; Ctrl-C stops)"

# Foreground until interrupted, or until any process we started ends by itself.
wait -n "${PIDS[@]}" || true
say "a process ended on its own; stopping the rest"
