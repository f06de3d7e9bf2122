#!/usr/bin/env bash
# Regenerate constraints.txt, the lock of every package the app and its tests install, from
# requirements.txt and requirements-test.txt (which keep the bounds; Community Cloud reads
# requirements.txt as it is). One file for Linux, macOS and Windows and Python 3.11-3.13 (uv's
# universal resolution writes environment markers where the platforms differ).
#
#     pip install uv && bash scripts/lock.sh          # after changing a requirements file
#     bash scripts/lock.sh --upgrade                  # newest versions within the bounds
#
# Without --upgrade, the versions already in constraints.txt are kept where they still fit.
# scripts/test.sh, scripts/run_app.sh and deploy/Dockerfile install with `-c constraints.txt`;
# tests/unit/test_lock.py fails when the two files no longer agree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"${UV:-uv}" pip compile requirements-test.txt --universal --python-version 3.11 \
    --no-annotate --custom-compile-command "bash scripts/lock.sh" -o constraints.txt "$@"
