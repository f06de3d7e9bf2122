#!/usr/bin/env bash
# The README's test command:
#
#     bash scripts/test.sh            # everything: lint, unit, AppTest, real-browser e2e
#     bash scripts/test.sh -m unit    # extra arguments go to pytest
#
# 1. creates (or reuses) the virtual environment .venv with Python 3.11+;
# 2. installs requirements.txt + requirements-test.txt into it (a no-op when already satisfied);
# 3. makes sure Debian's Chromium is at /usr/bin/chromium (apt-get installs it when run as root);
# 4. runs `ruff check .` and `lint-imports` (the layers' contract in pyproject.toml);
# 5. runs pytest over tests/ (unit, app, e2e) and the docstring examples of lstm_core/ and ui/,
#    on two pytest-xdist workers (TEST_WORKERS=N: N workers, 0: one process; each test file on one worker), and
#    checks its JUnit report: it fails on any failed test, on no tests run and, when CI is set, when the
#    browser tests did not run or were skipped.
#
# Environment: VENV (default .venv), PYTHON (interpreter to create the venv with),
# LSTM_LAB_CHROMIUM (default /usr/bin/chromium), CI (true: browser tests are mandatory),
# TEST_WORKERS (pytest-xdist workers; default 2 on two cores or more, 0: one process, see step 5).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
VENV="${VENV:-$ROOT/.venv}"
CHROMIUM="${LSTM_LAB_CHROMIUM:-/usr/bin/chromium}"
ARTIFACTS="$ROOT/test-artifacts"
JUNIT="$ARTIFACTS/junit.xml"
STARTED=$(date +%s)

say() { printf '\n== %s\n' "$*"; }
is_ci() { case "${CI:-}" in "" | 0 | false | False | FALSE | no) return 1 ;; *) return 0 ;; esac; }

# --- 1. virtual environment ----------------------------------------------------------------
find_python() {
    local c
    for c in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY=$(find_python) || {
        echo "error: Python 3.11 or newer not found. Install python3.11 (with venv) or set PYTHON=/path/to/python3.11" >&2
        exit 1
    }
    say "creating the virtual environment $VENV with $PY ($("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"

# --- 2. requirements -------------------------------------------------------------------------
say "installing requirements.txt and requirements-test.txt into $VENV (quick when already there)"
# (Some machines list local package folders that do not exist; pip warns once per package about
# each. Those lines are dropped; everything else pip says, and its exit status, is kept.)
# constraints.txt: the locked versions of the whole tree (scripts/lock.sh), so CI tests what it pins.
"$VPY" -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

# --- 3. Chromium, nginx and PostgreSQL for the browser and store tests ---------------------
# The class-server test (tests/e2e/test_cluster.py) puts Debian's nginx in front of replicas;
# the run-store tests (tests/unit/store/test_runs.py, tests/e2e/test_cluster.py) start a
# throwaway PostgreSQL server (Debian keeps its initdb in /usr/lib/postgresql/<version>/bin).
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
have_postgres() { command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
if [ ! -x "$CHROMIUM" ] || [ ! -x "$NGINX_BIN" ] || ! have_postgres; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && [ "$CHROMIUM" = /usr/bin/chromium ]; then
        say "installing Debian's chromium, nginx and postgresql with apt-get (the browser and store tests need them)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium fonts-liberation nginx postgresql >/dev/null
    else
        echo "Chromium ($CHROMIUM), nginx or PostgreSQL is missing. The browser tests drive Debian's Chromium," >&2
        echo "the class-server test runs Debian's nginx and the store tests a throwaway PostgreSQL; install them with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y chromium nginx postgresql" >&2
        echo "(or point LSTM_LAB_CHROMIUM at another Chromium/Chrome binary)." >&2
        if is_ci; then
            echo "error: CI is set, so the browser tests must run; stopping." >&2
            exit 1
        fi
        echo "warning: the browser tests that need them will be skipped or fail." >&2
    fi
fi
if [ -x "$CHROMIUM" ]; then
    echo "browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM"); $("$NGINX_BIN" -v 2>&1 || echo "nginx: missing")"
fi

# --- 4. lint -------------------------------------------------------------------------------
say "ruff check ."
lint_status=0
"$VENV/bin/ruff" check . || lint_status=$?
say "lint-imports (the layers of lstm_core: pyproject.toml [tool.importlinter])"
imports_status=0
"$VENV/bin/lint-imports" || imports_status=$?

# --- 5. tests ------------------------------------------------------------------------------
say "pytest tests/ (unit, app, e2e) and lstm_core/, ui/ (docstring examples)"
mkdir -p "$ARTIFACTS"
rm -f "$JUNIT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PYTHONUNBUFFERED=1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
export LSTM_LAB_CHROMIUM="$CHROMIUM"
# Two pytest-xdist workers when the machine has two cores or more (TEST_WORKERS=N overrides; 0 = one
# process). --dist loadfile keeps each test file on one worker, so a file's module fixtures (a trained
# page, a cluster, a PostgreSQL server) are built once; every worker has its own run store, Streamlit
# server, Chromium and log (tests/conftest.py, tests/e2e/). Much of the suite waits on browsers,
# servers and subprocesses, which a second worker fills. The browser tests wait on what the page
# shows, not on a clock, so they pass with both cores busy: 2 workers passed all 1,294 tests with the
# machine loaded ~8x over (load average 16-18 on 2 cores; docs/testing.md has the figures).
CORES=$(nproc 2>/dev/null || echo 1)
WORKERS="${TEST_WORKERS:-$([ "$CORES" -ge 2 ] && echo 2 || echo 0)}"
echo "pytest workers: $WORKERS (TEST_WORKERS overrides; 0 = one process)"
test_status=0
# --no-loadscope-reorder: files go out in collection order (tests/app, tests/e2e, tests/unit, then the
# doctests): the long layers first, the many short unit files fill the end. Ordering files by their
# measured durations instead was tried and measured slower here (23 min against 18.8).
"$VPY" -m pytest tests lstm_core ui -n "$WORKERS" --dist loadfile --no-loadscope-reorder \
    --junitxml="$JUNIT" --durations=25 "$@" || test_status=$?

if [ "$test_status" = "5" ]; then
    echo "error: pytest collected no tests (exit 5): that counts as a failure." >&2
fi

# Read the JUnit report: totals, and how many browser (tests/e2e) tests ran or were skipped.
report_status=0
summary=$(
    "$VPY" - "$JUNIT" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as exc:
    print(f"0 0 0 0 0 0 0 unreadable:{exc.__class__.__name__}")
    sys.exit(0)
# A retried browser test (pytest-rerunfailures, tests/e2e/conftest.py) has one <testcase> per try:
# it counts once, failed if any try's record holds its failure, and each extra record is a rerun.
outcomes: dict[tuple[str, str], str] = {}
reruns = 0
for case in root.iter("testcase"):
    outcome = "passed"
    for child in case:
        if child.tag in ("failure", "error"):
            outcome = "failed"
            break
        if child.tag == "skipped":
            outcome = "skipped"
    key = (case.get("classname") or "", case.get("name") or "")
    if key in outcomes:
        reruns += 1
        outcome = "failed" if "failed" in (outcome, outcomes[key]) else outcome
    outcomes[key] = outcome
passed = failed = skipped = e2e_ran = e2e_skipped = 0
for (classname, _), outcome in outcomes.items():
    is_e2e = classname.startswith("tests.e2e")
    if outcome == "skipped":
        skipped += 1
        e2e_skipped += is_e2e
    else:
        passed += outcome == "passed"
        failed += outcome == "failed"
        e2e_ran += is_e2e
print(passed, failed, skipped, passed + failed + skipped, e2e_ran, e2e_skipped, reruns, "ok")
PY
) || summary="0 0 0 0 0 0 0 unreadable"
read -r n_passed n_failed n_skipped n_total e2e_ran e2e_skipped n_reruns report_note <<<"$summary"

if [ "$report_note" != "ok" ]; then
    echo "error: no readable JUnit report at $JUNIT ($report_note)." >&2
    report_status=1
elif [ "$n_total" = "0" ]; then
    echo "error: no tests ran." >&2
    report_status=1
fi
if is_ci; then
    if [ "$e2e_ran" = "0" ]; then
        echo "error: CI is set but no browser (tests/e2e) test ran." >&2
        report_status=1
    fi
    if [ "$e2e_skipped" != "0" ]; then
        echo "error: CI is set but $e2e_skipped browser (tests/e2e) test(s) were skipped." >&2
        report_status=1
    fi
fi

elapsed=$(($(date +%s) - STARTED))
lint_word=passed
[ "$lint_status" = "0" ] || lint_word=FAILED
imports_word=passed
[ "$imports_status" = "0" ] || imports_word=FAILED
echo
echo "ruff: $lint_word; lint-imports: $imports_word; browser tests run: $e2e_ran, skipped: $e2e_skipped; time: ${elapsed}s; JUnit report: ${JUNIT#"$ROOT"/}"
echo "summary: ${n_passed} passed, ${n_failed} failed, ${n_skipped} skipped, ${n_reruns} browser test(s) retried (see \"rerun test summary\" above)"

if [ "$lint_status" != "0" ] || [ "$imports_status" != "0" ] || [ "$test_status" != "0" ] ||
    [ "$report_status" != "0" ]; then
    echo "RESULT: FAILED (ruff exit $lint_status, lint-imports exit $imports_status," \
        "pytest exit $test_status, report check $report_status)" >&2
    exit 1
fi
