"""Show text that came from a user (a URL, a form, a file) without letting it format the page.

``st.error``, ``st.warning``, ``st.info`` and ``st.caption`` render Markdown. A shared link
such as ``/lab?units=![x](http://host/a.png)`` would otherwise put an image (fetched by every
visitor's browser) or a clickable link into the page, inside a message that looks like ours.
Every message that may contain user text goes through :func:`plain` first::

    >>> print(plain("units='![x](http://h/a.png)' is not allowed"))
    units\\=\\'\\!\\[x\\]\\(http\\://h/a\\.png\\)\\' is not allowed
    >>> len(plain("x" * 100_000)) <= MAX_MESSAGE_CHARS
    True

The engine already shortens the values it echoes (``lstm_core.config``); :func:`plain` caps
the whole message as well, so no path can print a 100 KB value.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 400  # a message is one or two sentences; an echoed value never needs more
# Every ASCII character with a meaning in CommonMark, GitHub's extensions or Streamlit's own
# Markdown (":material/x:" icons, ":red[...]" colours, "$...$" LaTeX). CommonMark lets any
# ASCII punctuation be escaped with a backslash, so escaping too many is harmless.
MARKDOWN_CHARS = frozenset("\\`*_{}[]()#+-.!|<>~$:=&\"'")


def md_escape(text: str) -> str:
    """Escape Markdown in user text, so "*hi*" or "[x](y)" is shown as typed, not formatted.

    >>> print(md_escape("*hi* [x](y)"))
    \\*hi\\* \\[x\\]\\(y\\)

    (HTML is never rendered: no page uses ``unsafe_allow_html``.)
    """
    return "".join("\\" + ch if ch in MARKDOWN_CHARS else ch for ch in str(text))


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
