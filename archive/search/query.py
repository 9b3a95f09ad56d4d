"""The reader's query language, parsed once and compiled by each backend.

The syntax is that of web search engines (and PostgreSQL's ``websearch_to_tsquery``):
words must all match; ``"quoted phrases"`` match as phrases; ``OR`` between two
words or phrases matches either; ``-word`` or ``-"a phrase"`` leaves out documents
containing it. Everything else is text: brackets, stars, colons, ``NEAR``, SQL
and so on are never passed to a database as syntax. An unclosed quote runs to the
end of the query.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from archive.search.text import segment_cjk

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32

_WORD_CHARS = re.compile(r"\w", re.UNICODE)
# Characters kept inside a term; anything else separates words.
_NON_WORD = re.compile(r"[^\w'’.\-]+", re.UNICODE)


class QueryError(ValueError):
    """A query the reader must change; the message says how."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase: words separated by single spaces."""

    text: str

    @property
    def is_phrase(self) -> bool:
        return " " in self.text


@dataclass(frozen=True)
class ParsedQuery:
    """All groups must match (each group: any of its terms); no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group)


def _term(raw: str) -> Term | None:
    words = [w.strip("'’.-") for w in _NON_WORD.split(segment_cjk(raw))]
    words = [w for w in words if _WORD_CHARS.search(w)]
    return Term(" ".join(words)) if words else None


# A term: "-" (not before a space) excludes it; a quote runs to the next one or the end.
_TOKEN = re.compile(r'(?P<negated>-(?=\S))?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


def parse_query(text: str) -> ParsedQuery | None:
    """Parse what the reader typed; None when there is nothing to search for.

    Raises QueryError for a query too long or too complex to run.
    """
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("Your search is too long: use at most %(max)d characters.")
            % {"max": MAX_QUERY_LENGTH}
        )
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.group("negated", "phrase", "word")
        if word == "OR" and not negated:
            join_next = bool(groups)
            continue
        if (term := _term(word if phrase is None else phrase)) is None:
            continue
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    count = sum(len(g) for g in groups) + len(excluded)
    if count > MAX_TERMS:
        raise QueryError(
            _("Your search has %(count)d words or phrases; use at most %(max)d.")
            % {"count": count, "max": MAX_TERMS}
        )
    if not groups and not excluded:
        return None
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
