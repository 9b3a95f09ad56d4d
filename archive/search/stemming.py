"""Query words stemmed in the archive's languages, for SQLite FTS5.

FTS5 stems English only (its ``porter`` tokenizer). A reader's word is also looked for
as a prefix of its Snowball stem in each other language the archive holds, so
"Вьетнам" finds "Вьетнаме" and "Verhandlung" finds "Verhandlungen"; the word as
typed matches too. The index keeps the texts as written (snippets are cut from them),
and FTS5 folds diacritics on both sides ("négoci" finds "negociations"). PostgreSQL
needs none of this: it indexes each text with its language's configuration.
"""

from functools import cache

import snowballstemmer
from django.db import connection

from archive.search.text import LANGUAGE_CONFIGS

# Snowball algorithms by ISO 639-1 code, English left to FTS5's own stemmer.
STEMMERS = {code: name for code, name in LANGUAGE_CONFIGS.items() if code != "en"} | {
    "ca": "catalan",
    "cs": "czech",
    "et": "estonian",
    "eu": "basque",
    "lt": "lithuanian",
    "pl": "polish",
    "sr": "serbian",
}
# Shorter stems would find unrelated words by their first letters ("arm" → "armistice").
MIN_STEM = 4


@cache
def archive_stemmers() -> tuple:
    """Stemmers of the languages the archive holds (cleared when languages change)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM archive_language")
        codes = {row[0].split("-")[0].lower() for row in cursor.fetchall()}
    names = sorted({STEMMERS[code] for code in codes if code in STEMMERS})
    return tuple(snowballstemmer.stemmer(name) for name in names)


def stems(word: str) -> list[str]:
    """The word's stems in the archive's languages, each to be matched as a prefix."""
    lowered = word.lower()
    found = {stemmer.stemWord(lowered) for stemmer in archive_stemmers()}
    return sorted(stem for stem in found if len(stem) >= MIN_STEM)
