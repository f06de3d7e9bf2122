"""Show text that came from a user (a URL, a form, a file) without letting it format the page.

``st.error``, ``st.warning``, ``st.info`` and ``st.caption`` render Markdown. A shared link
such as ``/lab?units=![x](http://host/a.png)`` would otherwise put an image (fetched by every
visitor's browser) or a clickable link into the page, inside a message that looks like ours.
Every message that may contain user text goes through :func:`plain` first::

    >>> print(plain("units='![x](http://h/a.png)' is not allowed").replace(JOINER, "^"))
    units='!\\[x\\](http\\:^//h/a.png)' is not allowed
    >>> len(plain("x" * 100_000)) <= MAX_MESSAGE_CHARS
    True

(``^`` marks where an invisible :data:`JOINER` went; see :func:`md_escape`.) The engine already
shortens the values it echoes (``lstm_core.config``); :func:`plain` caps the whole message as
well, so no path can print a 100 KB value.
"""

from __future__ import annotations

import re

# What a page calls an analysis input the engine refuses by its argument name (see plain). Here,
# not in ui/text/: ui.text imports this module. A label only, no sentence.
INPUT_LABELS = {"state_from": "Other text"}
MAX_MESSAGE_CHARS = 400  # a message is one or two sentences; an echoed value never needs more

# Streamlit's Markdown (remark-gfm) makes "https://...", "www.x.com" and "x@host.com" live links
# by itself, on the text *after* backslash escapes are read, so no escape can stop it. An
# invisible WORD JOINER (U+2060: no width, no line break) inside "://", before "@" and after
# "www" does: the text no longer spells an address, and reads the same to a person.
JOINER = "\u2060"

# What can turn text into markup in Streamlit's Markdown (CommonMark, GitHub's extensions,
# Streamlit's ":material/icon:" and ":red[...]" directives, "$...$" LaTeX):
ALWAYS = r"\\`*~$<>\[\]&|#"  # escaped wherever they are ("[" alone stops links and images)
_MARKUP = re.compile(
    rf"[{ALWAYS}]"  # links, images, code, emphasis, HTML, entities, LaTeX
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # emphasis; "learning_rate" stays as it is
    r"|:(?=\S)"  # "http://..." autolinks and ":smile:" shortcodes; "units: ..." stays
    r"|@"  # "x@host.com" (and "mailto:x@host.com") autolinks
    r"|(?<=www)\.",  # "www.example.com" autolinks
    re.IGNORECASE,
)
# Kept for callers that list them (and for tests): every character md_escape may escape.
MARKDOWN_CHARS = frozenset("\\`*~$<>[]&|#_:")


def _neutral(match: re.Match[str]) -> str:
    found = match.group(0)
    if found == ":":
        return "\\:" + JOINER  # a shortcode needs ":" then a name; an address needs "://"
    if found in "@.":
        return JOINER + found  # "x@" and "www." stop being the start of an address
    return "\\" + found


def md_escape(text: str) -> str:
    """User text shown as typed: "*hi*" or "[x](y)" is not formatted, an address is not a link.

    >>> print(md_escape("*hi* [x](y) ![i](a.png) `code` learning_rate: 0.5"))
    \\*hi\\* \\[x\\](y) !\\[i\\](a.png) \\`code\\` learning_rate: 0.5
    >>> shown = md_escape("x@evil.com www.evil.com https://evil.com")
    >>> print(shown.replace(JOINER, "^"))  # the invisible joiners, made visible
    x^@evil.com www^.evil.com https\\:^//evil.com
    >>> shown.replace(JOINER, "").replace("\\\\", "")  # what a person reads
    'x@evil.com www.evil.com https://evil.com'

    Only what can start markup is touched, so an ordinary sentence reads (and is searched)
    as written. (User text is never rendered as HTML: the one ``unsafe_allow_html`` is the
    Cell page's SVG diagram, whose every text the app escapes with ``html.escape``.)
    """
    return _MARKUP.sub(_neutral, str(text))


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
    """A message safe to pass to any Markdown-rendering ``st.*`` call: shortened, then escaped.

    An engine's refusal of a value typed outside a settings form (the Cell page's "Other text")
    names the field by the label a page shows for it (:data:`INPUT_LABELS`).
    """
    if hasattr(text, "worded"):
        text = text.worded(INPUT_LABELS.get)
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
