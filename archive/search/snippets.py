"""Highlighted excerpts: the text is escaped first, then the markers the database put
around matched words become <mark> elements. Nothing from the database reaches the
page as HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search.text import MARK_END, MARK_START, is_cjk

_SPACES = re.compile(" +")
_ADJACENT = re.compile(f"{MARK_END}{MARK_START}")


def _join_cjk(text: str) -> str:
    """The text without the spaces the index put around CJK characters.

    The index writes one space either side of each CJK character and keeps the text's
    own (``text.plain_text``): of a run of spaces, one per CJK neighbour was added."""

    def own_spaces(match: re.Match) -> str:
        added = is_cjk(_neighbour(text, match.start() - 1, -1))
        added += is_cjk(_neighbour(text, match.end(), 1))
        return " " * max(0, len(match.group()) - added)

    return _ADJACENT.sub("", _SPACES.sub(own_spaces, text))


def _neighbour(text: str, at: int, step: int) -> str:
    """The first character from ``at`` in the direction ``step`` that is no marker."""
    while 0 <= at < len(text) and text[at] in (MARK_START, MARK_END):
        at += step
    return text[at] if 0 <= at < len(text) else ""


def highlight(marked: str | None) -> SafeString:
    """HTML for text carrying the database's highlight markers."""
    if not marked:
        return mark_safe("")
    text = escape(_join_cjk(marked))
    # Markers left unbalanced (a fragment cut mid-word) are closed or dropped.
    html, open_mark = [], False
    for part in re.split(f"([{MARK_START}{MARK_END}])", text):
        if part == MARK_START and not open_mark:
            html.append("<mark>")
            open_mark = True
        elif part == MARK_END and open_mark:
            html.append("</mark>")
            open_mark = False
        elif part not in (MARK_START, MARK_END):
            html.append(part)
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # escaped above; only <mark> added


def has_highlight(marked: str | None) -> bool:
    return bool(marked) and MARK_START in marked
