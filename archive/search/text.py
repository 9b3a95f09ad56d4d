"""Text as the search index holds it, on both databases.

Markup stripped, control characters removed (snippets use two of them as highlight
markers) and Chinese/Japanese characters spaced apart, since neither database splits
those scripts into words: a query word in those scripts becomes a phrase of single
characters. A leaf module: the index, the backends, the query parser and snippets all
read it.
"""

import re

from archive.richtext import html_to_text

# Han ideographs, kana and CJK compatibility ideographs: scripts written without spaces.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"([{CJK_RANGES}])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]+")

# Highlight markers written by the databases' snippet functions (see snippets.py).
MARK_START = "\x02"
MARK_END = "\x03"

# PostgreSQL text search configurations by ISO 639-1 code; other languages use
# SIMPLE_CONFIG. The two "dossier_" ones fold diacritics (migration 0017).
LANGUAGE_CONFIGS = {
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "dossier_english",
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
ARCHIVE_CONFIG = "dossier_english"
SIMPLE_CONFIG = "dossier_simple"  # names, and languages without a stemmer


def is_cjk(char: str) -> bool:
    return bool(char) and _CJK_CHAR.fullmatch(char) is not None


def segment_cjk(text: str) -> str:
    """Space CJK characters apart so each is a word to both databases (a query's words)."""
    if not _CJK_CHAR.search(text):
        return text
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


def plain_text(text: str | None) -> str:
    """Plain text as it is indexed: as the PostgreSQL function ``dossier_plain`` writes
    it, a space either side of each CJK character and the text's own spaces kept, so
    snippets can tell the spaces the index added from the text's (``snippets.py``)."""
    if not text:
        return ""
    return _CJK_CHAR.sub(r" \1 ", _CONTROL.sub(" ", text))


def html_text(html: str | None) -> str:
    """Sanitized rich text as it is indexed."""
    return plain_text(html_to_text(html))


def pg_config(code: str) -> str:
    return LANGUAGE_CONFIGS.get((code or "").split("-")[0].lower(), SIMPLE_CONFIG)
