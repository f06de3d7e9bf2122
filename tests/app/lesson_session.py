"""One learner's lesson on a fresh server, scripted (run by test_a_lesson.py in its own process).

The mix that spent a shared server's memory for good before TensorFlow moved to workers
(issue 21): many distinct Lab shapes, three Memory experiments, Compare and Why LSTM?, then
the tutorial's stateful preset. Prints one JSON line: whether every step trained, the peak
resident memory of this process (the Streamlit process: AppTest runs the pages here) and
whether TensorFlow was ever imported here.
"""

from __future__ import annotations

import json
import sys
import threading
import time

from apptest_support import assert_clean, button, open_page, train_in_lab

SHAPES = 26  # distinct Lab shapes: stateful links with 4..29 units
peak = [0.0, 0.0]  # this process; this process and its TensorFlow workers
running = [True]


def rss_mb(pid: str = "self") -> float:
    try:
        for line in open(f"/proc/{pid}/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # a worker that has just been replaced
        pass
    return 0.0


def sample() -> None:
    from ui import training

    while running[0]:
        own = rss_mb()
        peak[0] = max(peak[0], own)
        peak[1] = max(peak[1], own + sum(rss_mb(str(pid)) for pid in training.pool().pids()))
        time.sleep(0.2)


def refusals(at) -> list[str]:
    return [e.value for e in at.error] + [w.value for w in at.warning if "memory" in w.value]


def main() -> None:
    threading.Thread(target=sample, daemon=True).start()
    problems: list[str] = []
    for units in range(4, 4 + SHAPES):
        at = train_in_lab(framing="stateful", epochs="5", units=str(units))
        run = at.session_state["run"] if "run" in at.session_state else None
        if run is None or run.config.units != units:
            problems.append(f"units={units}: {refusals(at)}")
    for _ in range(3):
        at = open_page("pages/memory.py")
        at.number_input(key="memory_exp_seeds").set_value(1)
        button(at, "Run the experiment").click().run(timeout=600)
        assert_clean(at)
        if not any("recalled letters" in d.value.columns for d in at.dataframe):
            problems.append(f"memory experiment: {refusals(at)}")
    at = open_page("pages/compare.py")
    at.multiselect[0].set_value(["naive", "feature-window"])
    at.number_input[0].set_value(2)
    at.select_slider[0].set_value(0.1)
    button(at, "Compare").click().run(timeout=600)
    at.number_input[1].set_value(1)
    at.select_slider(key="why_scale").set_value(0.1)
    button(at, "Compare the cells").click().run(timeout=600)
    assert_clean(at)
    if not any("task" in d.value.columns for d in at.dataframe):
        problems.append(f"why lstm: {refusals(at)}")
    at = train_in_lab(framing="stateful")  # the tutorial's preset, 300 epochs
    run = at.session_state["run"] if "run" in at.session_state else None
    preset_trained = run is not None and run.epochs_done == 300 and run.config.framing == "stateful"
    running[0] = False
    from ui import training

    print(json.dumps({
        "problems": problems, "preset_trained": preset_trained, "peak_rss_mb": round(peak[0]),
        "peak_server_mb": round(peak[1]),
        "rss_mb": round(rss_mb()), "tensorflow_here": "tensorflow" in sys.modules,
        "workers_started": training.pool().started, "workers_retired": training.pool().retired,
    }))


if __name__ == "__main__":
    main()
