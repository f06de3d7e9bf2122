"""LSTM State Lab: the entry file, and so the page at "/" (the Overview).

Streamlit serves this app in its ``pages/`` mode (see ``ui/routing.py``): this file is
"/", each ``pages/<name>.py`` is ``/<name>``. "/" shows the Overview, whose code lives with
the other pages in ``pages/overview.py``.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent / "pages" / "overview.py"), run_name="__main__")
