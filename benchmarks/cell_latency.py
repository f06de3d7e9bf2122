"""How fast the Cell page steps: the numpy work, the server's redraw, and click to screen.

Three figures per framing (median and 90th percentile over the steps):

- engine: ``gate_trace`` of the page's default text (done once per text, not per step), and
  ``continue_text`` twice (the surgery section);
- server redraw: what one step costs the server in Python: the two step charts built and
  serialised (spec as JSON, data as Arrow, as Streamlit sends them), the equation terms and
  the cell diagram's SVG;
- click to screen: the real server and Debian Chromium: a click on ▶ until the new step's
  sentence is shown and the script run has finished (the fragment reruns alone);
- click to diagram painted: in the page, from the click on ▶ (dispatched there, so no
  Playwright round trip counts) until the cell diagram of the new step is in the DOM and the
  browser has painted the frame after it (issue 26's budget: 200 ms on the stateful preset).

Run on a quiet machine: ``.venv/bin/python benchmarks/cell_latency.py [--framing stateful,...]
[--clicks 20] [--no-browser]``. It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

FRAMINGS = ["stateful", "naive", "feature-window", "timestep-window", "whole-batch", "variable-length"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def fmt(values: list[float]) -> str:
    return f"median {1000 * statistics.median(values):6.1f} ms, p90 {1000 * pct(values, 0.9):6.1f} ms"


def engine_and_server(framing: str, repeats: int) -> dict[str, list[float]]:
    import pyarrow as pa

    from lstm_core.analysis.cell_diagram import diagram_numbers
    from lstm_core.analysis.lstm_trace import contributions, gate_trace, most_active_unit
    from lstm_core.analysis.surgery import continue_text
    from lstm_core.presets import preset
    from lstm_core.train.trainer import train
    from ui.views.cell_page import charts as cell_charts
    from ui.views.cell_page.diagram import diagram_html

    config = preset(framing).replace(epochs=5)  # timing depends on the shape, not on learning
    run = train(config)
    text = config.sequence[:16]
    out: dict[str, list[float]] = {"trace": [], "surgery": [], "redraw": []}
    for _ in range(repeats):
        t = time.perf_counter()
        tr = gate_trace(run, text)
        out["trace"].append(time.perf_counter() - t)
        t = time.perf_counter()
        continue_text(run, text, 10)
        continue_text(run, text, 10, zero_units=[0], every_step=True)
        out["surgery"].append(time.perf_counter() - t)
    limit = float(abs(tr.c).max())
    unit = most_active_unit(tr)
    for k in range(tr.steps):
        t = time.perf_counter()
        for data, spec in (
            cell_charts.gates_chart(tr.i[k], tr.f[k], tr.g[k], tr.o[k]),
            cell_charts.states_chart(tr.c_prev[k], tr.c[k], tr.h[k], limit),
        ):
            json.dumps(spec)  # what Streamlit sends: the spec as JSON, the data as Arrow
            pa.Table.from_pandas(data)
        terms = contributions(run, tr, k, unit)
        " ".join(f"{a:.3f}{b:.3f}{c:.3f}" for a, b, c in terms.values())
        diagram_html(diagram_numbers("lstm", tr, k, unit), limit)  # the cell diagram's SVG
        out["redraw"].append(time.perf_counter() - t)
    return out


# Runs in the page: click ▶, resolve with the ms until the diagram of step ``k`` is in the DOM
# and the next frame is painted (a rAF then a task: the task runs after that frame's paint).
CLICK_TO_DIAGRAM = """(k) => new Promise((resolve) => {
    const button = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === '▶');
    const done = () => {
        const f = document.querySelector('figure.cell-diagram');
        return f && f.dataset.step === String(k);
    };
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
        if (!done()) return;
        seen.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
    });
    seen.observe(document.body, {subtree: true, childList: true, attributes: true});
    button.click();
})"""


def browser(framing: str, clicks: int) -> tuple[list[float], list[float]]:
    """(click to step on screen and run finished, click to diagram painted), seconds per click."""
    from e2e_support import VIEWPORT, StreamlitServer, launch_chromium, open_app, wait_for_app_run
    from playwright.sync_api import sync_playwright

    server = StreamlitServer(log_path=ROOT / "test-artifacts" / "cell-latency-streamlit.log").start()
    times, painted = [], []
    try:
        with sync_playwright() as pw:
            chromium = launch_chromium(pw)
            page = chromium.new_context(viewport=VIEWPORT).new_page()
            if framing == "stateful":
                open_app(page, server.url, "/cell")  # the shipped, trained stateful preset
            else:
                open_app(page, server.url, f"/lab?framing={framing}")
                page.get_by_role("button", name="Train", exact=True).click()
                page.get_by_test_id("stMetric").filter(has_text="Accuracy").wait_for(timeout=600_000)
            wait_for_app_run(page, timeout_ms=600_000)
            # Through the sidebar, so the session (and the run trained in it) stays.
            page.get_by_test_id("stPageLink").get_by_role("link", name="Cell", exact=True).click()
            wait_for_app_run(page)
            total = int(page.get_by_text("Step 1 of ").first.inner_text().split(" of ")[1].split(":")[0])
            for i in range(clicks):
                k = i % (total - 1) + 2  # the step the click leads to
                if k == 2 and i:
                    page.get_by_test_id("stSlider").get_by_role("slider").focus()
                    page.keyboard.press("Home")
                    wait_for_app_run(page, settle_ms=300)
                t = time.perf_counter()
                painted.append(page.evaluate(CLICK_TO_DIAGRAM, k) / 1000)
                page.wait_for_function(
                    """(want) => {
                        const app = document.querySelector('[data-testid="stApp"]');
                        const md = [...document.querySelectorAll('[data-testid="stMarkdown"]')];
                        return app && app.getAttribute('data-test-script-state') === 'notRunning'
                            && md.some(m => m.innerText.startsWith(want));
                    }""",
                    arg=f"Step {k} of {total}",
                    polling="raf",
                    timeout=60_000,
                )
                times.append(time.perf_counter() - t)
            chromium.close()
    finally:
        server.stop()
    return times, painted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framing", default="stateful,variable-length", help="comma-separated framings")
    parser.add_argument("--clicks", type=int, default=20, help="▶ clicks timed in the browser")
    parser.add_argument("--repeats", type=int, default=20, help="engine timings per framing")
    parser.add_argument("--no-browser", action="store_true", help="only the engine and server figures")
    args = parser.parse_args()
    for framing in args.framing.split(","):
        if framing not in FRAMINGS:
            parser.error(f"unknown framing {framing!r}")
        figures = engine_and_server(framing, args.repeats)
        print(f"{framing}:")
        print(f"  trace of 16 letters (once per text)  {fmt(figures['trace'])}")
        print(f"  surgery, two continuations           {fmt(figures['surgery'])}")
        print(f"  server redraw of one step            {fmt(figures['redraw'])}")
        if not args.no_browser:
            on_screen, painted = browser(framing, args.clicks)
            print(f"  click ▶ to step on screen            {fmt(on_screen)}")
            print(f"  click ▶ to cell diagram painted      {fmt(painted)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
