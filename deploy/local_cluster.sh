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
# SIGTERM or Ctrl-C stops every process it started. The replicas share one run store, so a run
# link works whichever replica the browser lands on: a PostgreSQL server this script starts in the
# state folder (STORE=postgres; the default when PostgreSQL's programs are installed), as a class
# server on several machines would share one; or the SQLite file LSTM_LAB_DB in WAL mode on this
# local disk (STORE=sqlite). A LSTM_LAB_STORE_URL you set is used as it is. nginx's access log (state folder,
# access.log) records the replica that served each request: benchmarks/load_test.py --lb-log reads it.
#
# Environment: REPLICAS (3), LB_PORT (8080), BASE_PORT (first replica's port, 8601),
# LAB_STATE (folder for nginx's config, logs and the run store; default: a new temporary folder),
# STORE (auto, postgres or sqlite), PG_PORT (PostgreSQL's port; default: the first free one after
# LB_PORT), VENV (.venv, as scripts/run_app.sh), and every LSTM_LAB_* setting, passed on to the replicas.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
REPLICAS="${REPLICAS:-3}"
LB_PORT="${LB_PORT:-8080}"
BASE_PORT="${BASE_PORT:-8601}"
LAB_STATE="${LAB_STATE:-$(mktemp -d -t lstm-lab-cluster.XXXXXX)}"
STORE="${STORE:-auto}"
export LSTM_LAB_DB="${LSTM_LAB_DB:-$LAB_STATE/runs.sqlite3}"
mkdir -p "$LAB_STATE"

say() { printf '[local_cluster] %s\n' "$*"; }

# PostgreSQL's server programs: on PATH, or where Debian keeps them (newest version first).
pg_bindir() {
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"  # the folder of the real programs
        return 0
    fi
    local d
    d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}
case "$STORE" in
    auto) if [ -z "${LSTM_LAB_STORE_URL:-}" ] && pg_bindir >/dev/null; then STORE=postgres; else STORE=sqlite; fi ;;
    postgres | sqlite) ;;
    *)
        echo "error: STORE=$STORE is not allowed: it must be auto, postgres or sqlite" >&2
        exit 2
        ;;
esac
if [ "$STORE" = postgres ] && ! pg_bindir >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's postgresql with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        echo "error: STORE=postgres but PostgreSQL is not installed: sudo apt-get install -y postgresql" >&2
        exit 1
    fi
fi

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
PG_DATA=""
PG_LOG=""
PG_TEMP=""  # as root: PostgreSQL's folder outside the state folder, removed at the stop
AS_PG=()  # PostgreSQL refuses to run as root: as root, its programs run as Debian's postgres user
stop_all() {
    trap - INT TERM EXIT
    say "stopping ${#PIDS[@]} processes"
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    # The database last: the replicas may be saving a run as they stop.
    if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        say "stopping PostgreSQL"
        "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    if [ -n "$PG_LOG" ] && [ "$PG_LOG" != "$LAB_STATE/postgres.log" ]; then
        cp "$PG_LOG" "$LAB_STATE/postgres.log" 2>/dev/null || true
    fi
    if [ -n "$PG_TEMP" ]; then rm -rf "$PG_TEMP"; fi
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

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- the run store ---------------------------------------------------------------------------
if [ "$STORE" = postgres ]; then
    PG_BIN="$(pg_bindir)"
    PG_DIR="$LAB_STATE/postgres"
    if [ "$(id -u)" = "0" ]; then
        # Its own folder that the postgres user can reach (the state folder's parents may be 0700),
        # with a short path (the socket's name must fit in 107 bytes); removed at the stop.
        PG_DIR="$(mktemp -d -p /tmp lstm-lab-pg.XXXXXX)"
        PG_TEMP="$PG_DIR"
        chown postgres: "$PG_DIR"
        AS_PG=(runuser -u postgres --)
    fi
    PG_DATA="$PG_DIR/data"
    PG_LOG="$PG_DIR/postgres.log"
    PG_PORT="${PG_PORT:-}"
    if [ -z "$PG_PORT" ]; then
        PG_PORT=$((LB_PORT + 1))
        while ! port_free "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done
    fi
    # A password of its own (scram), though it listens on 127.0.0.1 only: other users of this
    # machine cannot read or change the class's runs.
    PG_PASSWORD="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    mkdir -p "$PG_DIR"
    (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile")
    [ "$(id -u)" = "0" ] && chown postgres: "$PG_DIR/pwfile"
    say "run store: PostgreSQL on 127.0.0.1:$PG_PORT (log: $LAB_STATE/postgres.log at the stop)"
    "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U lab --pwfile="$PG_DIR/pwfile" -A scram-sha-256 \
        -E UTF8 --locale=C >"$LAB_STATE/postgres-initdb.log" 2>&1 ||
        { echo "error: initdb failed (see $LAB_STATE/postgres-initdb.log)" >&2; exit 1; }
    rm -f "$PG_DIR/pwfile"
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null ||
        { echo "error: PostgreSQL did not start (see $LAB_STATE/postgres.log)" >&2; exit 1; }
    PGPASSWORD="$PG_PASSWORD" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lab lab
    export LSTM_LAB_STORE_URL="postgresql://lab:$PG_PASSWORD@127.0.0.1:$PG_PORT/lab"
    say "run store: postgresql://lab@127.0.0.1:$PG_PORT/lab, shared by every replica"
elif [ -n "${LSTM_LAB_STORE_URL:-}" ]; then
    say "run store: LSTM_LAB_STORE_URL as given"
else
    say "run store: SQLite file $LSTM_LAB_DB, shared by every replica of this machine"
fi

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
