"""``python -m lstm_core ...``: see lstm_core/cli.py."""

from .cli import main

if __name__ == "__main__":  # not on import (e.g. when pytest collects doctests)
    raise SystemExit(main())
