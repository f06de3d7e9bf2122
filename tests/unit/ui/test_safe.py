"""ui/safe.py: user text shown in a message is never a link, an image or formatting (issues 16, 21).

Streamlit renders messages with remark-gfm, which finds "autolink literals" in the text *after*
backslash escapes are read (mdast-util-gfm-autolink-literal). The patterns below are that
library's two find-and-replace rules, so a value that matches none of them after its escapes
are read cannot become a link. tests/e2e/test_hostile_links.py checks the same in Chromium.
"""

from __future__ import annotations

import re

import pytest

from ui.safe import JOINER, plain

# mdast-util-gfm-autolink-literal: "http(s)://" or "www." then a domain; an e-mail address.
# (JavaScript's \w without the u flag is ASCII: re.ASCII.)
URL_LITERAL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE | re.ASCII)
EMAIL_LITERAL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
SHORTCODE = re.compile(r":[-+\w]+:")  # remark-emoji and Streamlit's ":material/...:" read the text too
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation

HOSTILE = [
    "https://evil.example.com/login",
    "HTTP://EVIL.EXAMPLE.COM",
    "x@evil-example.com",
    "mailto:x@evil-example.com",
    "www.evil-example.com",
    "WWW.evil-example.com/a?b=c",
    "see (https://evil.example.com) now",
    "a.b+c@mail.evil-example.com",
    "units='https://evil.example.com' is not allowed",
    ":smile: and :material/warning:",
]


def text_after_escapes(markdown: str) -> str:
    """The text remark's autolink rules see: the Markdown with its backslash escapes read."""
    return ESCAPE.sub(r"\1", markdown)


@pytest.mark.parametrize("value", HOSTILE)
def test_an_address_in_user_text_is_shown_as_typed_but_is_no_autolink(value):
    raw = URL_LITERAL.search(value) or EMAIL_LITERAL.search(value) or SHORTCODE.search(value)
    assert raw, "the rules see the value itself as markup (they are not vacuous)"
    seen = text_after_escapes(plain(value))
    assert not URL_LITERAL.search(seen), seen
    assert not EMAIL_LITERAL.search(seen), seen
    assert not SHORTCODE.search(seen), seen
    assert seen.replace(JOINER, "") == value  # a person reads it as typed (the joiner is invisible)
