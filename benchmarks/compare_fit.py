"""Stock Keras ``model.fit`` against our trainer, same framings, same settings, one process.

This prints figures; it is not a test. Examples (from the repository root)::

    .venv/bin/python benchmarks/compare_fit.py --framing naive,stateful
    .venv/bin/python benchmarks/compare_fit.py --framing whole-batch,variable-length --stock-epochs-max 50
    .venv/bin/python benchmarks/compare_fit.py --framing naive --retrains 30 --with-export
    .venv/bin/python benchmarks/compare_fit.py --framing naive,stateful --cell lstm,gru,simple --layers 1,2
    .venv/bin/python benchmarks/compare_fit.py --task sine --framing timestep-window,stateful
    .venv/bin/python benchmarks/compare_fit.py --framing n-char-output --horizon 5   # one shot (issue 14)

The stock side is the tutorial's code path: a Sequential LSTM + Dense softmax, Adam,
categorical cross-entropy, ``fit(X, y, epochs, batch_size, shuffle)``; a stateful model
gets ``keras.Input(batch_shape=...)`` and a loop of ``fit(epochs=1, shuffle=False)`` with
``layer.reset_state()`` after each epoch. Its seconds include building and compiling the
model; ours include compiling our step function (the first training of a shape in the
process). Accuracy is ``model.evaluate``'s on the stock side and
``lstm_core.analysis.inference.accuracy`` (the same evaluate-style figure) on ours.

Stock fit is slow (variable-length ~2,700 s, whole-batch ~335 s at the tutorial's
epochs on 2 cores), so ``--stock-epochs-max N`` caps the stock side's epochs. A capped row
says so, and its speed ratio compares seconds per epoch (marked "/ep") instead of end to
end; its stock accuracy is that of the shorter training.

``--task sine`` compares the sine task's presets (``lstm_core.presets.sine_preset``): a linear
Dense of one unit and ``loss="mse"`` on the stock side; the "acc" columns then hold the MSE
on the training windows (stock: ``model.evaluate``; ours: ``lstm_core.analysis.forecast.mse``).

Both sides run in this process with the trainer's TensorFlow setting (one intra-op
thread), the app's setting on a shared server.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lstm_core.config import ALL_FRAMINGS, CELLS, FRAMINGS, SINE_FRAMINGS  # noqa: E402
from lstm_core.data.framings import make_dataset  # noqa: E402
from lstm_core.export.keras_file import keras_bytes  # noqa: E402
from lstm_core.model.keras_models import reset_states, stock_model  # noqa: E402
from lstm_core.presets import preset  # noqa: E402


def rss_mb() -> float:
    """Resident memory of this process in MB (VmRSS from /proc/self/status)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def stock_fit(config, epochs: int) -> dict:
    """Train like the tutorial with stock Keras; returns seconds, accuracy, epochs."""
    import keras

    keras.utils.set_random_seed(config.seed)
    data = make_dataset(config)
    X, y = data.X, data.y  # (n, t, f), (n, v)
    n, t, f = X.shape
    start = time.perf_counter()
    model = stock_model(config)  # the tutorial's LSTM (or config.cell, stacked) + Dense softmax, Adam
    ends: list[float] = []  # perf_counter at the end of every epoch
    clock = keras.callbacks.LambdaCallback(on_epoch_end=lambda *_: ends.append(time.perf_counter()))
    if config.stateful:
        for _ in range(epochs):
            model.fit(
                X, y, epochs=1, batch_size=config.batch_size, shuffle=False, verbose=0, callbacks=[clock]
            )
            reset_states(model, config)
    else:
        model.fit(
            X,
            y,
            epochs=epochs,
            batch_size=config.batch_size,
            shuffle=config.shuffle,
            verbose=0,
            callbacks=[clock],
        )
    seconds = time.perf_counter() - start
    # Steady state: from the end of epoch 1 (which includes tracing/compiling) to the end.
    per_epoch = (ends[-1] - ends[0]) / max(1, len(ends) - 1)
    if config.stateful:
        reset_states(model, config)
    scores = model.evaluate(X, y, batch_size=config.batch_size, verbose=0)
    steps = epochs * math.ceil(n / config.batch_size)
    return {
        "seconds": seconds,
        # The sine task compiles no metric: evaluate gives the MSE alone.
        "accuracy": float(scores) if config.is_sine else 100.0 * float(scores[1]),
        "epochs": epochs,
        "us_per_step": 1e6 * per_epoch * epochs / steps,
        "per_epoch": per_epoch,
        "first_epoch": ends[0] - start,
    }


def ours_fit(config) -> dict:
    from lstm_core.analysis.forecast import mse
    from lstm_core.analysis.inference import accuracy
    from lstm_core.train.trainer import train

    run = train(config)
    nb = math.ceil(config.num_examples / config.batch_size)
    h = run.history
    # Steady state: from the end of epoch 1 (which includes compiling) to the end.
    steady = (h[-1].elapsed - h[0].elapsed) / max(1, (len(h) - 1) * nb)
    return {
        "seconds": run.seconds,
        "accuracy": mse(run) if config.is_sine else 100.0 * accuracy(run),
        "epochs": run.epochs_done,
        "us_per_step": 1e6 * steady,
        "compile_and_first_epoch": h[0].elapsed,
        "per_epoch": steady * nb,
    }


def base_config(name: str, task: str):
    """The framing's tutorial preset, or for ``task="sine"`` its sine preset."""
    if task == "sine":
        from lstm_core.data.sine import sine_preset

        return sine_preset(name)
    return preset(name)


def compare(
    name: str, stock_max: int | None, epochs: int | None, task: str = "letters", cell: str = "lstm",
    layers: int = 1, horizon: int | None = None,
) -> dict:
    config = base_config(name, task)
    config = config if epochs is None else config.replace(epochs=epochs)
    config = config.replace(cell=cell, layers=layers)
    if horizon is not None and name == "n-char-output":  # the one-shot encoder-decoder's letters out
        config = config.replace(horizon=horizon)
    stock_epochs = config.epochs if stock_max is None else min(config.epochs, stock_max)
    stock = stock_fit(config, stock_epochs)
    ours = ours_fit(config)
    capped = stock_epochs < config.epochs
    if capped:
        # Seconds per epoch in steady state on both sides (compile excluded on both).
        ratio = stock["per_epoch"] / ours["per_epoch"]
    else:
        ratio = stock["seconds"] / ours["seconds"]
    # What the stock side would take for every epoch: its first epoch plus the rest at its
    # steady pace (exact when not capped, an estimate when capped).
    stock_full = stock["first_epoch"] + stock["per_epoch"] * (config.epochs - 1)
    return {
        "framing": name if (cell, layers) == ("lstm", 1) else f"{name} {cell}x{layers}",
        "cell": cell,
        "layers": layers,
        "task": task,  # for sine, the *_accuracy fields hold the MSE
        "epochs": config.epochs,
        "stock_epochs": stock_epochs,
        "stock_capped": capped,
        "stock_seconds": round(stock["seconds"], 2),
        "stock_seconds_per_epoch": round(stock["per_epoch"], 4),
        "stock_full_seconds_estimate": round(stock_full, 1),
        "ours_seconds_per_epoch": round(ours["per_epoch"], 5),
        "stock_accuracy": round(stock["accuracy"], 6 if config.is_sine else 2),
        "stock_us_per_step": round(stock["us_per_step"], 1),
        "ours_seconds": round(ours["seconds"], 2),
        "ours_accuracy": round(ours["accuracy"], 6 if config.is_sine else 2),
        "ours_first_epoch_seconds": round(ours["compile_and_first_epoch"], 2),
        "speedup": round(ratio, 1),
        "speedup_basis": "per epoch" if capped else "end to end",
        "ours_us_per_step": round(ours["us_per_step"], 1),
    }


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'framing':<24} {'epochs':>13} {'stock s':>9} {'stock acc':>9} {'ours s':>7} "
        f"{'ours acc':>8} {'speedup':>9} {'ours µs/step':>12} {'stock s/ep':>10} "
        f"{'ours s/ep':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        if r["task"] == "sine":  # the "acc" columns hold the MSE
            stock_acc, ours_acc = f"{r['stock_accuracy']:>9.5f}", f"{r['ours_accuracy']:>8.5f}"
        else:
            stock_acc, ours_acc = f"{r['stock_accuracy']:>8.2f}%", f"{r['ours_accuracy']:>7.2f}%"
        ep = f"{r['stock_epochs']}/{r['epochs']}*" if r["stock_capped"] else str(r["epochs"])
        ratio = f"{r['speedup']:.1f}x" + ("/ep" if r["stock_capped"] else "")
        print(
            f"{r['framing']:<24} {ep:>13} {r['stock_seconds']:>9.1f} "
            f"{stock_acc} {r['ours_seconds']:>7.2f} {ours_acc} "
            f"{ratio:>9} {r['ours_us_per_step']:>12.1f} {r['stock_seconds_per_epoch']:>10.4f} "
            f"{r['ours_seconds_per_epoch']:>9.5f}"
        )
    capped = [r for r in rows if r["stock_capped"]]
    if capped:
        print(
            "* stock fit ran only the first number of epochs (--stock-epochs-max); its accuracy is "
            "after those epochs, and the speedup marked /ep compares steady-state seconds per "
            "epoch (compile excluded on both sides)."
        )
        for r in capped:
            print(
                f"  {r['framing']}: all {r['epochs']} epochs with stock fit would take about "
                f"{r['stock_full_seconds_estimate']:.0f} s "
                f"({r['stock_full_seconds_estimate'] / r['ours_seconds']:.0f}x ours end to end)"
            )
    print(
        "stock s include building and compiling the Keras model; ours s include compiling our "
        "step function. µs/step: steady state, per weight update (batch)."
        + (" Sine rows: acc columns are the MSE on the training windows." if any(
            r["task"] == "sine" for r in rows) else "")
    )


def memory_check(name: str, retrains: int, with_export: bool, as_json: bool) -> None:
    from lstm_core.train.compiled import compiled_shapes
    from lstm_core.train.trainer import train

    config = preset(name)
    first = train(config)  # compiles; not counted
    if with_export:
        keras_bytes(first)
    before = rss_mb()
    start = time.perf_counter()
    for _ in range(retrains):
        run = train(config)
        if with_export:
            keras_bytes(run)
    seconds = time.perf_counter() - start
    after = rss_mb()
    result = {
        "framing": name,
        "retrains": retrains,
        "with_export": with_export,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "rss_growth_mb": round(after - before, 1),
        "seconds": round(seconds, 1),
        "compiled_shapes": compiled_shapes(),
    }
    if as_json:
        print(json.dumps(result))
        return
    what = "train + keras_bytes" if with_export else "train"
    print(
        f"{retrains} retrains of {name} ({what}) in {seconds:.1f} s: RSS {before:.0f} MB -> "
        f"{after:.0f} MB, growth {after - before:+.1f} MB "
        f"(compiled step functions: {compiled_shapes()})"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--framing", default="all", help="all (default), one framing, or several separated by commas"
    )
    p.add_argument(
        "--stock-epochs-max",
        type=int,
        default=None,
        help="cap the stock side's epochs (for whole-batch, variable-length)",
    )
    p.add_argument("--epochs", type=int, default=None, help="override every framing's epochs")
    p.add_argument("--cell", default="lstm", help="cells, separated by commas: lstm (default), gru, simple")
    p.add_argument("--layers", default="1", help="layer counts, separated by commas, e.g. 1,2 (default 1)")
    p.add_argument("--horizon", type=int, default=None, help="n-char-output: letters out (its preset: 3)")
    p.add_argument("--json", action="store_true", help="one JSON object per row")
    p.add_argument(
        "--task", default="letters", choices=["letters", "sine"],
        help="letters (the tutorial's presets, default) or sine (the sine task's presets, MSE)",
    )
    p.add_argument(
        "--retrains",
        type=int,
        default=0,
        help="memory check instead: retrain one framing N times, print RSS growth",
    )
    p.add_argument(
        "--with-export", action="store_true", help="memory check: also export each run with keras_bytes"
    )
    args = p.parse_args(argv)
    known = SINE_FRAMINGS if args.task == "sine" else ALL_FRAMINGS  # all: the tutorial's six
    every = SINE_FRAMINGS if args.task == "sine" else FRAMINGS
    names = list(every) if args.framing == "all" else args.framing.split(",")
    unknown = [n for n in names if n not in known]
    if unknown:
        p.error(f"unknown framing {unknown} for --task {args.task}; choose from {', '.join(known)} or all")
    cells = args.cell.split(",")
    if any(c not in CELLS for c in cells):
        p.error(f"unknown cell in {args.cell!r}; choose from {', '.join(CELLS)}")
    try:
        depths = [int(n) for n in args.layers.split(",")]
    except ValueError:
        p.error(f"--layers {args.layers!r}: give whole numbers separated by commas")
    if args.retrains:
        memory_check(
            names[0] if args.framing != "all" else "naive", args.retrains, args.with_export, args.json
        )
        return 0
    rows = []
    for name, cell, depth in [(n, c, d) for n in names for c in cells for d in depths]:
        row = compare(name, args.stock_epochs_max, args.epochs, args.task, cell, depth, args.horizon)
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(
                f"  done {row['framing']}: stock {row['stock_seconds']:.1f} s, "
                f"ours {row['ours_seconds']:.2f} s",
                file=sys.stderr,
                flush=True,
            )
    if not args.json:
        print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
