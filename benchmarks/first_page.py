"""Time to the first useful page on a fresh server: Generate showing K -> B cold, K -> L warm.

    .venv/bin/python benchmarks/first_page.py              # 3 fresh servers, one visit each
    .venv/bin/python benchmarks/first_page.py --runs 5 --page /state

For each run it starts ``streamlit run app.py`` from nothing (a new process, an empty run
database), waits for ``/_stcore/health``, opens the page in Debian's Chromium and measures:

- served:  request -> the app shell (``stApp``) is in the page;
- useful:  request -> both generated texts are on screen (the shipped stateful preset:
  "KBCDEFGHIJK" cold, "KLMNOPQRSTU" warm), with no training and no TensorFlow;
- and whether the server process imported TensorFlow (it should not have).

Figures depend on the machine and on what else runs: measure on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import StreamlitServer, launch_chromium  # noqa: E402


def tensorflow_loaded(pid: int) -> bool:
    """Whether the server process has TensorFlow's shared library mapped."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return "_pywrap_tensorflow" in maps or "libtensorflow" in maps


def one_run(browser, page_path: str, log_dir: Path) -> dict:
    db = Path(tempfile.mkdtemp(prefix="first-page-")) / "runs.sqlite3"
    server = StreamlitServer(log_path=log_dir / "first-page-server.log", env={"LSTM_LAB_DB": str(db)})
    t0 = time.monotonic()
    server.start()
    healthy = time.monotonic() - t0
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        start = time.monotonic()
        page.goto(server.url + page_path, wait_until="commit")
        page.locator("[data-testid='stApp']").wait_for(state="attached", timeout=60_000)
        served = time.monotonic() - start
        texts = []
        if page_path.startswith("/generate"):
            for header in ("Cold start", "Warm start"):
                column = page.get_by_test_id("stColumn").filter(has=page.get_by_role("heading", name=header))
                code = column.last.get_by_test_id("stCode").first
                code.wait_for(state="visible", timeout=60_000)
                texts.append(code.inner_text().strip())
        else:
            page.get_by_test_id("stVegaLiteChart").first.wait_for(state="visible", timeout=60_000)
        useful = time.monotonic() - start
        context.close()
        return {"healthy": healthy, "served": served, "useful": useful, "texts": texts,
                "tensorflow": tensorflow_loaded(server.pid)}
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers to start, one after another")
    parser.add_argument("--page", default="/generate", help="page to open (default /generate)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    log_dir = ROOT / "test-artifacts"
    rows = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for i in range(args.runs):
            r = one_run(browser, args.page, log_dir)
            rows.append(r)
            print(
                f"run {i + 1}: server healthy {r['healthy']:.1f} s after start; page served "
                f"{r['served']:.2f} s, useful {r['useful']:.2f} s after the request; "
                f"texts {r['texts']}; TensorFlow loaded: {r['tensorflow']}",
                flush=True,
            )
        browser.close()
    useful = [r["useful"] for r in rows]
    served = [r["served"] for r in rows]
    print(
        f"{args.page}: median served {statistics.median(served):.2f} s, median useful "
        f"{statistics.median(useful):.2f} s (max {max(useful):.2f} s) over {len(rows)} fresh servers; "
        f"useful minus served: median {statistics.median(u - s for u, s in zip(useful, served)):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
