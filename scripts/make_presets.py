"""Train the six tutorial presets (seed 7, tutorial settings) and write lstm_core/store/shipped/.

    .venv/bin/python scripts/make_presets.py                 # all six (~20 s of training)
    .venv/bin/python scripts/make_presets.py --framing stateful

Run it again whenever the trainer's numerics or a preset change:
tests/unit/store/test_pretrained.py retrains the two cheapest presets in full and all six for
pretrained.FINGERPRINT_EPOCHS epochs, and fails when what the trainer makes no longer matches
the shipped files. Each JSON file names the commit it was made at (a "+" when the tree had
uncommitted changes).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstm_core.analysis.inference import accuracy  # noqa: E402
from lstm_core.config import FRAMINGS  # noqa: E402
from lstm_core.presets import preset  # noqa: E402
from lstm_core.store import pretrained  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framing", choices=[*FRAMINGS, "all"], default="all")
    args = parser.parse_args()
    from lstm_core.train.trainer import train  # TensorFlow: only once the arguments are good

    names = FRAMINGS if args.framing == "all" else [args.framing]
    commit = _commit()
    for name in names:
        run = train(preset(name))
        acc = round(100 * accuracy(run), 2)
        early = train(preset(name).replace(epochs=pretrained.FINGERPRINT_EPOCHS))
        pretrained.write(name, run, acc, pretrained.fingerprint(early.weights), commit)
        json_path, npz_path = pretrained.paths(name)
        size = json_path.stat().st_size + npz_path.stat().st_size
        print(f"{name:<16} {acc:6.2f}%  {run.seconds:5.1f} s  {size / 1024:5.1f} KB  -> {npz_path.name}")
    return 0


def _commit() -> str:
    root = Path(__file__).resolve().parents[1]
    git = ["git", "-C", str(root)]
    def ask(*args: str) -> str:
        return subprocess.run([*git, *args], capture_output=True, text=True).stdout.strip()

    head, dirty = ask("rev-parse", "--short", "HEAD"), ask("status", "--porcelain", "lstm_core")
    return f"{head or 'unknown'}{'+' if dirty else ''}"


if __name__ == "__main__":
    raise SystemExit(main())
