"""``python -m lstm_core ...``: see lstm_core/cli/main.py."""

from lstm_core.cli.main import main

if __name__ == "__main__":  # not on import (e.g. when pytest collects doctests)
    raise SystemExit(main())
