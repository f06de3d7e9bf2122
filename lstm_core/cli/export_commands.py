"""``python -m lstm_core export``: the files the pages offer for download, from the command line.

A configuration (the same flags as ``train``) or a stored run (``--run ID``, from the app's run
store) becomes a runnable plain-Keras script, the same script as an explained notebook, and the
trained model as a ``.keras`` file::

    python -m lstm_core export --framing stateful --script stateful.py --notebook stateful.ipynb
    python -m lstm_core export --framing stateful --keras stateful.keras   # the shipped preset
    python -m lstm_core export --run 3f9c... --keras run.keras --script run.py

The script and the notebook train by themselves, so they need only the configuration. The
``.keras`` file needs a trained model: the stored run, else the shipped preset when the
configuration is a tutorial preset, else one trained here first (it says so).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lstm_core.cli.common import UsageError, add_config_args, config_from, load_tensorflow


def add_commands(sub) -> None:
    """Add ``export`` to the CLI's subparsers."""
    ex = sub.add_parser("export", help="write the Keras script, the notebook and/or the .keras file")
    add_config_args(ex, framing_required=False)
    ex.add_argument("--run", metavar="ID", help="a run in the app's run store (its ?run= id), not flags")
    ex.add_argument("--script", metavar="FILE", help="write the runnable plain-Keras script (.py) here")
    ex.add_argument("--notebook", metavar="FILE", help="write the same script as a notebook (.ipynb) here")
    ex.add_argument("--keras", metavar="FILE", help="write the trained model (.keras) here")


def _stored(run_id: str):
    from lstm_core.store.runs import RunStore

    run = RunStore().load(run_id)  # StoreUnavailable (a ValueError) is one line, exit 2
    if run is None:
        raise UsageError(f"the run store has no run {run_id!r} (unknown, or evicted)")
    return run


def _trained(config):
    from lstm_core.store.pretrained import run_for

    run = run_for(config)
    if run is not None:
        return run, "the shipped preset"
    load_tensorflow()
    from lstm_core.train.trainer import train

    run = train(config)
    return run, f"trained here: {run.epochs_done} epochs in {run.seconds:.1f} s"


def cmd_export(args: argparse.Namespace, out) -> int:
    if not (args.script or args.notebook or args.keras):
        raise UsageError("export: give at least one of --script FILE, --notebook FILE, --keras FILE")
    if args.run and args.framing:
        raise UsageError("export: give --run ID or --framing NAME (with its flags), not both")
    run = _stored(args.run) if args.run else None
    if run is None and args.framing is None:
        raise UsageError("export: give --framing NAME (or --run ID)")
    config = run.config if run is not None else config_from(args)
    if args.script:
        from lstm_core.export.script import keras_script

        Path(args.script).write_text(keras_script(config), encoding="utf-8")
        print(f"script: {args.script}", file=out)
    if args.notebook:
        import nbformat

        from lstm_core.export.notebook import notebook

        nbformat.write(notebook(config), args.notebook)
        print(f"notebook: {args.notebook}", file=out)
    if args.keras:
        source = f"run {args.run}"
        if run is None:
            run, source = _trained(config)
        else:
            load_tensorflow()
        from lstm_core.export.keras_file import keras_bytes

        Path(args.keras).write_bytes(keras_bytes(run))
        print(f"model: {args.keras} ({source})", file=out)
    return 0


COMMANDS = {"export": cmd_export}
