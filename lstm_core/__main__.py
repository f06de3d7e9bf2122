"""``python -m lstm_core ...``: see lstm_core/cli.py."""

from .cli import main

raise SystemExit(main())
