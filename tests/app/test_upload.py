"""An uploaded .keras file's refusal shows the file's own words as text (issue 21).

The refusal quotes the file (its layer names): a file whose config.json names its layers
``![x](http://evil.example/a.png)``, ``[click](http://evil.example)`` and ``:red[**x**]`` must
not put an image from another host, a link or red bold text into the app's error box.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from apptest_support import assert_clean, open_page

from ui.safe import JOINER

IMAGE = "![x](http://evil.example/a.png)"
LINK = "[click](http://evil.example)"
RED = ":red[**x**]"
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash-escaped ASCII punctuation mark


def _hostile_keras() -> bytes:
    """A .keras (zip) archive whose layers are named in Markdown; the loader refuses it."""
    layers = [{"class_name": name, "config": {}} for name in (IMAGE, LINK, RED)]
    config = {"class_name": "Sequential", "config": {"layers": layers}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", b"not read: the config is refused first")
    return out.getvalue()


def test_markdown_in_an_uploaded_files_config_is_shown_escaped_in_its_refusal():
    at = open_page("pages/generate.py")
    upload = ("hostile.keras", _hostile_keras(), "application/octet-stream")
    at.file_uploader(key="upload_keras").set_value(upload).run()
    assert_clean(at)
    refusals = [e.value for e in at.error if "cannot be loaded as a model" in e.value]
    assert refusals, [e.value for e in at.error]
    shown = refusals[0]
    # Every mark that could start markup is escaped: nothing is left once the escapes are removed.
    bare = ESCAPED.sub("", shown)
    for mark in ("[", "]", "*", "://"):
        assert mark not in bare, (mark, shown)
    # And a person reads the layer names as the file spelled them.
    read = ESCAPED.sub(lambda m: m.group(0)[1], shown).replace(JOINER, "")
    assert all(name in read for name in (IMAGE, LINK, RED)), read
