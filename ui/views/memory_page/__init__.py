"""The Memory page's body (``pages/memory.py`` lays it out): the built-in tasks, the two views,
the experiment."""
