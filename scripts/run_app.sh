#!/usr/bin/env bash
# The README's first command: install the app into .venv and start it.
#
#     bash scripts/run_app.sh            # then open http://localhost:8501
#     bash scripts/run_app.sh --server.port 8600   # extra arguments go to `streamlit run`
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
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
# A badly set LSTM_LAB_* variable stops here with one line saying which and why.
"$VENV/bin/python" -m lstm_core settings >/dev/null
exec "$VENV/bin/python" -m streamlit run app.py "$@"
