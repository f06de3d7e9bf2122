"""Two stacks at once really use two cores only with two TensorFlow threads (LSTM_LAB_TF_THREADS).

XLA runs every compiled call on TensorFlow's intra-op pool, one per process. With one thread
there, train_many's two worker threads take turns on it: all the training CPU time lands on a
single OS thread. The check counts CPU time per OS thread (/proc), so it holds on a busy
machine too. Each case runs in a fresh process: the pool's size is fixed once TF starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = r"""
import glob, json, sys
from lstm_core.train import trainer
import tensorflow as tf
from lstm_core.presets import preset

# Two shapes (units 32 and 16): two stacks, one per worker thread, running at the same time.
configs = [preset("variable-length").replace(seed=7, epochs=40),
           preset("variable-length").replace(seed=8, epochs=40, units=16)]
trainer.train_many([c.replace(epochs=1) for c in configs], cores=1)  # compile outside the count

def ticks():
    out = {}
    for d in glob.glob("/proc/self/task/*"):
        try:
            st = open(d + "/stat").read().rsplit(")", 1)[1].split()
            out[d] = int(st[11]) + int(st[12])
        except OSError:
            pass
    return out

before = ticks()
trainer.train_many(configs, cores=2)
after = ticks()
busy = sorted((after[t] - before.get(t, 0) for t in after), reverse=True)
print(json.dumps({"threads": tf.config.threading.get_intra_op_parallelism_threads(), "busy": busy[:4]}))
"""


def probe(threads: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LSTM_LAB_TF_THREADS": threads, "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not Path("/proc/self/task").exists(),
                    reason="needs two cores and Linux's per-thread CPU counts")
def test_two_stacks_share_one_core_with_one_thread_and_use_two_with_two():
    one = probe("1")
    assert one["threads"] == 1
    total = sum(one["busy"])
    assert one["busy"][0] > 0.8 * total  # one OS thread did (nearly) all the training
    two = probe("2")
    assert two["threads"] == 2
    first, second = two["busy"][:2]
    assert second > 0.3 * (first + second)  # the work was spread over two OS threads
