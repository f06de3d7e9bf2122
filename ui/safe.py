"""Show text that came from a user (a URL, a form, a file) without letting it format the page.

``st.error``, ``st.warning``, ``st.info`` and ``st.caption`` render Markdown. A shared link
such as ``/lab?units=![x](http://host/a.png)`` would otherwise put an image (fetched by every
visitor's browser) or a clickable link into the page, inside a message that looks like ours.
Every message that may contain user text goes through :func:`plain` first::

    >>> print(plain("units='![x](http://h/a.png)' is not allowed"))
    units='!\\[x\\](http\\://h/a.png)' is not allowed
    >>> len(plain("x" * 100_000)) <= MAX_MESSAGE_CHARS
    True

The engine already shortens the values it echoes (``lstm_core.config``); :func:`plain` caps
the whole message as well, so no path can print a 100 KB value.
"""

from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 400  # a message is one or two sentences; an echoed value never needs more

# What can turn text into markup in Streamlit's Markdown (CommonMark, GitHub's extensions,
# Streamlit's ":material/icon:" and ":red[...]" directives, "$...$" LaTeX):
ALWAYS = r"\\`*~$<>\[\]&@|#"  # escaped wherever they are ("[" alone stops links and images)
_MARKUP = re.compile(
    rf"[{ALWAYS}]"  # links, images, code, emphasis, HTML, entities, e-mail autolinks, LaTeX
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # emphasis; "learning_rate" stays as it is
    r"|:(?=\S)"  # "http://..." autolinks and ":smile:" shortcodes; "units: ..." stays
    r"|(?<=www)\.",  # "www.example.com" autolinks
    re.IGNORECASE,
)
# Kept for callers that list them (and for tests): every character md_escape may escape.
MARKDOWN_CHARS = frozenset("\\`*~$<>[]&@|#_:.")


def md_escape(text: str) -> str:
    """Escape Markdown in user text, so "*hi*" or "[x](y)" is shown as typed, not formatted.

    >>> print(md_escape("*hi* [x](y) ![i](http://h/a.png) www.x.com learning_rate: 0.5"))
    \\*hi\\* \\[x\\](y) !\\[i\\](http\\://h/a.png) www\\.x.com learning_rate: 0.5

    Only what can start markup is escaped, so an ordinary sentence reads (and is searched)
    as written. (HTML is never rendered: no page uses ``unsafe_allow_html``.)
    """
    return _MARKUP.sub(lambda m: "\\" + m.group(0), str(text))


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` on one line and at most ``limit`` characters, with "…" where it was cut.

    >>> shorten("a  b\\n c")
    'a b c'
    >>> shorten("abcdefghij", 6)
    'abcde…'
    """
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def plain(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A message safe to pass to any Markdown-rendering ``st.*`` call: shortened, then escaped."""
    return md_escape(shorten(str(text), limit))


SPACE = "␣"  # U+2423 OPEN BOX, the usual sign for a space


def visible(text: str) -> str:
    """``text`` with spaces as ``␣`` and other invisible characters as ``⟨U+XXXX⟩``.

    A space shown alone is an empty cell, so every place that shows a character (or a few) on
    its own goes through here: the data view, the prediction table, the per-letter chart's axis,
    Generate's start letter and its step tables, the State page's time steps. Text shown as text
    (a typed sequence, a generated paragraph) keeps its spaces.

    >>> visible("A B")
    'A␣B'
    >>> visible("\\u200b")  # any other invisible character: its code point
    '⟨U+200B⟩'
    """
    return "".join(_glyph(ch) for ch in str(text))


def _glyph(ch: str) -> str:
    if ch == " ":
        return SPACE
    if not ch.isprintable() or ch.isspace():
        return f"⟨U+{ord(ch):04X}⟩"
    return ch
