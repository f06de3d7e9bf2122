"""How long a person waits in the Lab: click Train -> first chart point -> final results.

Starts the real server on 127.0.0.1, opens a fresh browser session per framing in Debian's
Chromium, and for each framing measures:

- first point: click on Train until the live chart is on screen (includes compiling the
  training step the first time a shape is seen in the process);
- results: click on Train until the Accuracy metric and prediction table are shown;
- retrain: a second click on Train (same shape: nothing to compile) until results again.

Run: ``.venv/bin/python benchmarks/ui_latency.py [--framing stateful,naive,...]``.
It prints figures; it is not a test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import VIEWPORT, StreamlitServer, launch_chromium, open_app, wait_for_app_run  # noqa: E402

FRAMINGS = ["stateful", "naive", "feature-window", "timestep-window", "whole-batch", "variable-length"]


def train_button(page):
    return page.get_by_role("button", name="Train", exact=True)


def measure(page, base_url: str, framing: str, think: float = 0.0) -> dict[str, float]:
    open_app(page, base_url, f"/lab?framing={framing}")
    page.wait_for_timeout(think * 1000)  # a person reads the form before clicking
    chart = page.get_by_test_id("stVegaLiteChart").first
    metric = page.get_by_test_id("stMetric").filter(has_text="Accuracy").first
    t0 = time.perf_counter()
    train_button(page).click()
    chart.wait_for(state="visible", timeout=120_000)
    first_point = time.perf_counter() - t0
    metric.wait_for(state="visible", timeout=300_000)
    wait_for_app_run(page, timeout_ms=300_000, settle_ms=0)
    results = time.perf_counter() - t0
    t1 = time.perf_counter()
    train_button(page).click()
    page.wait_for_timeout(50)
    wait_for_app_run(page, timeout_ms=300_000, settle_ms=0)
    metric.wait_for(state="visible", timeout=300_000)
    retrain = time.perf_counter() - t1
    accuracy = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return {"first_point": first_point, "results": results, "retrain": retrain, "accuracy": accuracy}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framing", default=",".join(FRAMINGS), help="comma-separated framings")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds between the page being ready and the click on Train (a person reading the form); "
        "the Lab imports TensorFlow and compiles the shape on display in the background meanwhile",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = StreamlitServer(ROOT / "test-artifacts" / "ui-latency-streamlit.log").start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            print(f"think time before clicking Train: {args.think:.0f} s")
            print(f"{'framing':<17}{'first point s':>15}{'results s':>12}{'retrain s':>12}  accuracy")
            for framing in args.framing.split(","):
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                r = measure(page, server.url, framing, args.think)
                print(
                    f"{framing:<17}{r['first_point']:>15.2f}{r['results']:>12.2f}{r['retrain']:>12.2f}"
                    f"  {r['accuracy']}",
                    flush=True,
                )
                context.close()
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
