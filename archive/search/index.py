"""What goes into the search index, and keeping it current.

Per published document the index holds:

* title (weight A), summary (B), body (C): the transcripts in their languages and
  the *approved* text of each translation (never a draft body), and names (D):
  creators, places and topics;
* facet keys ("to12", "pl3" …, see ``facets.FACETS``) for filtering and counting;
  a place's key is written for it and every place it is inside, so filtering by
  a country finds documents about its cities;
* the normalized earliest/latest dates, for date overlap and sorting.

The backends write it with set-based SQL (one INSERT … SELECT per table), for one
document, many, or the whole archive alike. Text is prepared the same way on
both databases: markup stripped, control characters removed (snippets use two of
them as highlight markers) and Chinese/Japanese characters spaced apart, since
neither database splits those scripts into words: a query word in those scripts
becomes a phrase of single characters.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from archive.pagecache import pages_changed
from archive.richtext import html_to_text

# Han ideographs, kana and CJK compatibility ideographs: scripts written without spaces.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"([{CJK_RANGES}])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]+")

# Highlight markers written by the databases' snippet functions (see snippets.py).
MARK_START = "\x02"
MARK_END = "\x03"

# PostgreSQL text search configurations by ISO 639-1 code; other languages use "simple".
LANGUAGE_CONFIGS = {
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
# Titles, summaries and names are written in the archive's own language.
ARCHIVE_CONFIG = "english"

# Upper bound on ids per statement (SQLite allows 32766 bound parameters).
BATCH = 2000

_paused: ContextVar[bool] = ContextVar("search_index_paused", default=False)


def segment_cjk(text: str) -> str:
    """Space CJK characters apart so each is a word to both databases."""
    if not _CJK_CHAR.search(text):
        return text
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


def plain_text(text: str | None) -> str:
    """Plain text as it is indexed."""
    if not text:
        return ""
    return segment_cjk(_CONTROL.sub(" ", text))


def html_text(html: str | None) -> str:
    """Sanitized rich text as it is indexed."""
    return plain_text(html_to_text(html))


def pg_config(code: str) -> str:
    return LANGUAGE_CONFIGS.get((code or "").split("-")[0].lower(), "simple")


@contextmanager
def updates_paused() -> Iterator[None]:
    """Skip per-change index updates (for bulk loads that rebuild the index afterwards)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def reindex_documents(document_ids: Iterable[int]) -> None:
    """Bring the index rows of these documents up to date (adding, replacing or removing)."""
    # Bulk writes, which send no signals, come here: the cached pages go stale too.
    pages_changed()
    if _paused.get():
        return
    ids = sorted({int(i) for i in document_ids if i is not None})
    if not ids:
        return
    from archive.search.backends import get_backend

    backend = get_backend()
    for start in range(0, len(ids), BATCH):
        backend.reindex(ids[start : start + BATCH])


def rebuild_index() -> int:
    """Rebuild the whole index from the records; returns the number of documents indexed."""
    pages_changed()
    from archive.search.backends import get_backend

    return get_backend().rebuild()
