#!/usr/bin/env bash
# The README's first command: install the app into .venv and start it.
#
#     bash scripts/run_app.sh            # then open http://localhost:8501
#     bash scripts/run_app.sh --server.port 8600   # extra arguments go to `streamlit run`
#
# It listens on 127.0.0.1 only: the app is for this computer unless you say otherwise.
# To serve other machines (a classroom, a server behind a proxy), choose the address:
#
#     LSTM_LAB_ADDRESS=0.0.0.0 bash scripts/run_app.sh
#     bash scripts/run_app.sh --server.address 0.0.0.0     # the same
#
# (Not in .streamlit/config.toml: Community Cloud reads that file too, and its proxy must
# reach the app on its own address.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    PY="${PYTHON:-python3.11}"
    command -v "$PY" >/dev/null 2>&1 || PY=python3
    "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
        echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    }
    "$PY" -m venv "$VENV"
fi
# At the locked versions (constraints.txt, from scripts/lock.sh): the ones the tests ran with.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
# A badly set LSTM_LAB_* variable stops here with one line saying which and why.
"$VENV/bin/python" -m lstm_core settings >/dev/null
ADDRESS=(--server.address "${LSTM_LAB_ADDRESS:-127.0.0.1}")
# No file watcher: with .venv inside the project folder, watching it floods the log with "Inotify
# queue overflowed". Restart the server after editing code, or pass --server.fileWatcherType auto.
# (Not in .streamlit/config.toml: Community Cloud needs the watcher to reload the code it pushes.)
WATCHER=(--server.fileWatcherType none)
for arg in "$@"; do
    case "$arg" in  # the caller chose
        --server.address | --server.address=*) ADDRESS=() ;;
        --server.fileWatcherType | --server.fileWatcherType=*) WATCHER=() ;;
    esac
done
exec "$VENV/bin/python" -m streamlit run app.py "${ADDRESS[@]}" "${WATCHER[@]}" "$@"
