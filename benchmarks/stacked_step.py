"""Which formulation of the stacked LSTM step is fastest on XLA:CPU? Prints a table; not a test.

S independent models train side by side: every weight has a leading model axis, and each
step multiplies a (S, rows, k) activation by a (S, k, n) weight. This script times one
update (forward over t steps, backward, Adam) inside a compiled ``tf.while_loop``, as the
trainer runs it, for several ways of writing that product:

- ``matmul``: ``tf.matmul`` with a batch axis (what the trainer did before);
- ``einsum``: ``tf.einsum("srk,skn->srn")`` (XLA may lower it differently);
- ``reduce``: broadcast-multiply and sum over k: elementwise work XLA can fuse with its
  neighbours instead of emitting one small dot per model;
- ``blockdiag``: one dense matmul of (rows, S*k) by a block-diagonal (S*k, S*n) weight
  (S times the arithmetic, one call);
- ``unstack``: S separate 2-D matmuls, stacked again (what a per-model loop would do).

and, orthogonally, how the step is arranged (``--layout``):

- ``separate``: ``x_t @ K + h @ R`` every step (two products per step);
- ``concat``: ``[x_t, h] @ [K; R]`` (one product per step);
- ``hoist``: the input projection of all t steps at once before the recurrence (S merged
  into the product's batch, one product), then ``h @ R`` per step.

Examples (from the repository root; run it on a quiet machine, the figures are per update)::

    .venv/bin/python benchmarks/stacked_step.py                       # the full grid (a few minutes)
    .venv/bin/python benchmarks/stacked_step.py --S 1 8 --b 1 --u 32  # a quick look
    .venv/bin/python benchmarks/stacked_step.py --json

Every function runs with one TensorFlow intra-op thread, as the trainer does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

FORMS = ("matmul", "einsum", "reduce", "blockdiag", "unstack")
LAYOUTS = ("separate", "concat", "hoist")
V = 26  # classes, as the alphabet tasks
F = 1  # features, as most framings
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7


def product(form: str, a: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """(S, r, k) x (S, k, n) -> (S, r, n), written the way ``form`` names."""
    if form == "matmul":
        return tf.matmul(a, w)
    if form == "einsum":
        return tf.einsum("srk,skn->srn", a, w)
    if form == "reduce":
        return tf.reduce_sum(a[:, :, :, None] * w[:, None, :, :], axis=2)
    if form == "blockdiag":
        S, k, n = w.shape
        r = a.shape[1]
        eye = tf.eye(S, dtype=a.dtype)[:, :, None, None]  # (S, S, 1, 1)
        bd = tf.reshape(tf.transpose(eye * w[:, None], (0, 2, 1, 3)), (S * k, S * n))
        flat = tf.reshape(tf.transpose(a, (1, 0, 2)), (r, S * k))
        return tf.transpose(tf.reshape(tf.matmul(flat, bd), (r, S, n)), (1, 0, 2))
    if form == "unstack":
        return tf.stack([tf.matmul(a[s], w[s]) for s in range(a.shape[0])])
    raise ValueError(form)


def build(form: str, layout: str, S: int, b: int, u: int, t: int):
    shapes = [(S, F, 4 * u), (S, u, 4 * u), (S, 4 * u), (S, u, V), (S, V)]
    mm = lambda a, w: product(form, a, w)  # noqa: E731

    def loss_fn(params, x, y):
        K, R, B, DK, DB = params
        h = c = tf.zeros((S, b, u))
        if layout == "hoist":  # every step's input projection in one product
            xk = tf.reshape(mm(tf.reshape(x, (S, b * t, F)), K), (S, b, t, 4 * u))
        if layout == "concat":
            KR = tf.concat([K, R], axis=1)
        for step in range(t):
            if layout == "separate":
                z = mm(x[:, :, step], K) + mm(h, R)
            elif layout == "concat":
                z = mm(tf.concat([x[:, :, step], h], axis=2), KR)
            else:
                z = xk[:, :, step] + mm(h, R)
            i, fg, g, o = tf.split(z + B[:, None], 4, axis=2)
            c = tf.sigmoid(fg) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
        logits = mm(h, DK) + DB[:, None]
        per_row = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)  # (S, b)
        return tf.reduce_sum(tf.reduce_mean(per_row, 1))  # the models share nothing: sum of means

    spec = [tf.TensorSpec(s, tf.float32) for s in shapes]

    @tf.function(jit_compile=True, input_signature=[spec, spec, spec, tf.TensorSpec((S, b, t, F)),
                                                     tf.TensorSpec((S, b, V)), tf.TensorSpec((), tf.int32)])
    def run(params, ms, vs, x, y, count):
        def body(j, params, ms, vs):
            with tf.GradientTape() as tape:
                tape.watch(params)
                loss = loss_fn(params, x, y)
            grads = tape.gradient(loss, params)
            step = tf.cast(j + 1, tf.float32)
            alpha = 0.001 * tf.sqrt(1.0 - BETA_2**step) / (1.0 - BETA_1**step)
            out_p, out_m, out_v = [], [], []
            for p, g, m1, v1 in zip(params, grads, ms, vs):
                m2 = m1 + (g - m1) * (1.0 - BETA_1)
                v2 = v1 + (g * g - v1) * (1.0 - BETA_2)
                out_p.append(p - alpha * m2 / (tf.sqrt(v2) + EPSILON))
                out_m.append(m2)
                out_v.append(v2)
            return j + 1, out_p, out_m, out_v

        _, params, ms, vs = tf.while_loop(lambda j, *_: j < count, body, (0, params, ms, vs))
        return params, ms, vs

    rng = np.random.default_rng(0)
    params = [tf.constant(rng.normal(0, 0.1, s).astype(np.float32)) for s in shapes]
    zeros = [tf.zeros(s) for s in shapes]
    x = tf.constant(rng.integers(0, 26, (S, b, t, F)).astype(np.float32) / 26)
    y = tf.constant(np.eye(V, dtype=np.float32)[rng.integers(0, V, (S, b))])
    return lambda count: run(params, zeros, zeros, x, y, tf.constant(count))


def measure(fns: dict, seconds: float, rounds: int) -> dict:
    """Time every variant of one cell round-robin and keep each one's best round.

    The machine may be shared: round-robin spreads a neighbour's load over every variant,
    and the minimum (of wall and of process CPU time) is the least disturbed figure.
    """
    out = {}
    for key, fn in fns.items():
        t0 = time.perf_counter()
        fn(1)[0][0].numpy()  # compiles
        compile_s = time.perf_counter() - t0
        count = 16
        while True:  # size one call to about seconds / rounds
            t0 = time.perf_counter()
            fn(count)[0][0].numpy()
            took = time.perf_counter() - t0
            if took > seconds / rounds or count > 1 << 20:
                break
            count *= 4
        out[key] = {"fn": fn, "count": count, "wall": took / count, "cpu": float("inf"),
                    "compile_s": compile_s}
    for _ in range(rounds):
        for m in out.values():
            w0, c0 = time.perf_counter(), time.process_time()
            m["fn"](m["count"])[0][0].numpy()
            m["wall"] = min(m["wall"], (time.perf_counter() - w0) / m["count"])
            m["cpu"] = min(m["cpu"], (time.process_time() - c0) / m["count"])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--S", type=int, nargs="+", default=[1, 4, 8, 16, 32], help="models side by side")
    p.add_argument("--b", type=int, nargs="+", default=[1, 25], help="batch sizes")
    p.add_argument("--u", type=int, nargs="+", default=[16, 32], help="units")
    p.add_argument("--t", type=int, default=5, help="time steps")
    p.add_argument("--forms", nargs="+", default=list(FORMS), choices=FORMS, help="products to time")
    p.add_argument("--layouts", nargs="+", default=["separate"], choices=LAYOUTS, help="step layouts")
    p.add_argument("--seconds", type=float, default=0.6, help="timing budget per cell")
    p.add_argument("--json", action="store_true", help="one JSON object per measurement")
    p.add_argument("--rounds", type=int, default=5, help="round-robin timing rounds per cell")
    args = p.parse_args(argv)
    rows = []
    for b in args.b:
        for u in args.u:
            for S in args.S:
                fns = {(layout, form): build(form, layout, S, b, u, args.t)
                       for layout in args.layouts for form in args.forms
                       if not (form in ("unstack", "blockdiag") and S > 16)}  # compile time grows with S
                for (layout, form), m in measure(fns, args.seconds * len(fns), args.rounds).items():
                    row = {"form": form, "layout": layout, "S": S, "b": b, "u": u, "t": args.t,
                           "us_per_update": round(m["wall"] * 1e6, 2),
                           "cpu_us_per_update": round(m["cpu"] * 1e6, 2),
                           "us_per_model_update": round(m["wall"] * 1e6 / S, 2),
                           "compile_s": round(m["compile_s"], 2)}
                    rows.append(row)
                    if args.json:
                        print(json.dumps(row), flush=True)
                    else:
                        print(f"b={b:<3} u={u:<3} S={S:<3} {layout:<9} {form:<10} "
                              f"{row['us_per_update']:>9.1f} us/update "
                              f"(CPU {row['cpu_us_per_update']:>8.1f}) "
                              f"{row['us_per_model_update']:>8.2f} us/model-update  "
                              f"(compile {row['compile_s']:.1f} s)", flush=True)
    if not args.json:
        print("\nfastest per (b, u, S):")
        keys = sorted({(r["b"], r["u"], r["S"]) for r in rows})
        for k in keys:
            # ranked by CPU time: on a shared machine it is the less disturbed of the two
            cell = sorted((r for r in rows if (r["b"], r["u"], r["S"]) == k),
                          key=lambda r: r["cpu_us_per_update"])
            best = cell[0]
            base = next((r for r in cell if r["form"] == "matmul" and r["layout"] == "separate"), best)
            print(f"  b={k[0]:<3} u={k[1]:<3} S={k[2]:<3} {best['layout'] + '/' + best['form']:<20} "
                  f"CPU {best['cpu_us_per_update']:>8.1f} us  "
                  f"(separate/matmul {base['cpu_us_per_update']:.1f} us, "
                  f"x{base['cpu_us_per_update'] / best['cpu_us_per_update']:.2f})")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
