"""Highlighted excerpts: the text is escaped first, then the markers the database put
around matched words become <mark> elements. Nothing from the database reaches the
page as HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search.text import CJK_RANGES, MARK_END, MARK_START

# Spaces the index put between CJK characters (and around their markers) are taken out again.
_CJK_GAP = re.compile(f"(?<=[{CJK_RANGES}{MARK_END}]) +(?=[{CJK_RANGES}{MARK_START}])")
_ADJACENT = re.compile(f"{MARK_END}{MARK_START}")


def _join_cjk(text: str) -> str:
    joined = _CJK_GAP.sub(lambda m: "" if _is_cjk_gap(text, m) else m.group(), text)
    return _ADJACENT.sub("", joined)


def _is_cjk_gap(text: str, match: re.Match) -> bool:
    """Only gaps with CJK characters on both sides (markers aside) were added by the index."""
    before = text[: match.start()].rstrip(MARK_END)[-1:]
    after = text[match.end() :].lstrip(MARK_START)[:1]
    return bool(re.match(f"[{CJK_RANGES}]", before) and re.match(f"[{CJK_RANGES}]", after))


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
