"""SQLite FTS5: the embedded default.

``archive_search_fts`` (migration 0003) holds title, summary, body, names and facet
keys per published document, with rowid = document id, tokenized by ``porter
unicode61``. A search is one FTS5 MATCH expression, compiled from the parsed
query with every reader's word quoted, so nothing the reader types is FTS syntax.
"""

import re
from collections import Counter
from collections.abc import Sequence

from django.db import connection

from archive.search import text as indexed
from archive.search.backends import sql
from archive.search.backends.base import HEAD, REST, Search, SearchBackend, Snippet, Sort
from archive.search.backends.sql import Select
from archive.search.stemming import stems

FTS = "archive_search_fts"
TEXT_COLUMNS = "{title summary body names}"
HEAD_COLUMNS = "{title summary names}"
# bm25 weights for title, summary, body, names, facets: title above summary above body.
RANK = f"bm25({FTS}, 10.0, 4.0, 1.0, 0.5, 0.0, 0.0)"
# Date filters first narrow the matches by year tokens (y1965; "yopen" for documents
# with an open end or a span longer than this), then check the exact dates.
MAX_YEAR_SPAN = 200
SNIPPET_TOKENS = 24
# Runs of ids a facet sample of a large result set is taken from (see _sampled_key_counts).
SAMPLE_STRIPES = 100
# A page by date is read off the date index when that takes fewer than PROBE_LIMIT checks
# on average; at most PROBE_WINDOW times as many are made (see _windows).
PROBE_LIMIT, PROBE_WINDOW = 2_000, 4


_PREFIX = " *"  # after a quoted string: any word it begins
_LATIN = re.compile("[a-z]")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _forms(term, stemmed: bool) -> list[str]:
    """A term as typed and, for a single word, as prefixes of its stems, leaving out
    a form another's prefix already matches: FTS5 merges each form's doclist anew."""
    prefixes = stems(term.text) if stemmed and not term.is_phrase else []
    typed = [] if any(_covers(p, term.text) for p in prefixes) else [_quote(term.text)]
    return typed + [
        _quote(p) + _PREFIX for p in prefixes if not any(_covers(o, p) for o in prefixes if o != p)
    ]


def _covers(prefix: str, text: str) -> bool:
    """Whether ``prefix *`` matches whatever ``text`` does (Porter, stemming Latin
    letters, may cut a word shorter than the prefix: there, only the same word)."""
    text = text.lower()
    return text == prefix or (text.startswith(prefix) and not _LATIN.search(text))


def _any(terms, *, stemmed: bool = True) -> str:
    """Any of the terms. ``stemmed=False``: as typed only (an excluded word leaves out
    the documents holding it, not those holding words that begin like its stems)."""
    return "(" + " OR ".join(form for term in terms for form in _forms(term, stemmed)) + ")"


def _words(search: Search, columns: str) -> str:
    """The MATCH expression for the words of a search, in these columns."""
    return f"{columns} : (" + " AND ".join(_any(group) for group in search.query.groups) + ")"


def _keys(text: str | None) -> str:
    """Facet keys without repeats."""
    return " ".join(sorted(set((text or "").split())))


def register_functions(raw_connection) -> None:
    """Python functions the indexing SQL calls: the same text preparation as everywhere."""
    raw_connection.create_function("dossier_html", 1, indexed.html_text, deterministic=True)
    raw_connection.create_function("dossier_plain", 1, indexed.plain_text, deterministic=True)
    raw_connection.create_function("dossier_keys", 1, _keys, deterministic=True)
    raw_connection.create_function("dossier_years", 2, _years, deterministic=True)


def _years(earliest: str | None, latest: str | None) -> str:
    """Year tokens of a document's date span."""
    if earliest is None and latest is None:
        return ""
    if earliest is None or latest is None:
        return "yopen"
    first, last = int(earliest[:4]), int(latest[:4])
    if last - first > MAX_YEAR_SPAN:
        return "yopen"
    return " ".join(f"y{year}" for year in range(first, last + 1))


def _year_span(search: Search) -> tuple[list[int], list[int]] | None:
    """The years a search's date range covers whole, and those it covers in part; None
    for an open or very long range, which the year tokens cannot narrow."""
    start, end = search.date_from, search.date_to
    if start is None or end is None or end.year - start.year > MAX_YEAR_SPAN:
        return None
    whole = range(
        start.year if (start.month, start.day) == (1, 1) else start.year + 1,
        (end.year if (end.month, end.day) == (12, 31) else end.year - 1) + 1,
    )
    return list(whole), sorted({start.year, end.year} - set(whole))


def _tokens(years) -> str:
    return " OR ".join(f"y{year}" for year in years)


def _years_match(search: Search) -> str | None:
    """Documents with a year of the range, or an open or very long span (to be checked)."""
    if (span := _year_span(search)) is None:
        return None
    whole, part = span
    return "{years} : (" + _tokens([*whole, *part]) + " OR yopen)"


def _years_split(search: Search) -> tuple[str, str] | None:
    """The year tokens of documents sure to overlap the range (a year of theirs lies
    wholly inside it), and of those whose dates must be checked; None if no year is
    covered whole."""
    if (span := _year_span(search)) is None or not span[0]:
        return None
    whole, part = span
    sure = "{years} : (" + _tokens(whole) + ")"
    unsure = "{years} : (" + _tokens([*part]) + (" OR " if part else "") + "yopen)"
    return sure, f"({unsure}) NOT ({sure})"


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def _match(self, search: Search, tier=None, years=None) -> tuple[str | None, str | None]:
        """The FTS5 MATCH expression for what must match, and for what must not.
        ``years``: the expression for the year tokens, if not the whole date range's."""
        positive = []
        if search.has_text:
            positive.append(_words(search, HEAD_COLUMNS if tier == HEAD else TEXT_COLUMNS))
        for facet in search.facets:
            joiner = " AND " if facet.match_all else " OR "
            positive.append("{facets} : (" + joiner.join(facet.keys) + ")")
        if (years := years or _years_match(search)) is not None:
            positive.append(years)
        excluded = None
        if search.query is not None and search.query.excluded:
            excluded = f"{TEXT_COLUMNS} : {_any(search.query.excluded, stemmed=False)}"
        if not positive:
            return None, excluded
        match = " AND ".join(f"({part})" for part in positive)
        if excluded:
            match, excluded = f"({match}) NOT ({excluded})", None
        if tier == REST:
            match = f"({match}) NOT ({_words(search, HEAD_COLUMNS)})"
        return match, excluded

    def _matches(self, search: Search, tier=None, *, years=None, dates=True, entry=True) -> Select:
        """``entry``: joined to the index rows (always, to check dates); ``dates``:
        the date range checked on them (not only by year tokens)."""
        match, excluded = self._match(search, tier, years)
        dated, date_params = sql.date_conditions(search) if dates else (None, [])
        if match is None:
            select = Select("archive_searchentry e")
        else:
            select = Select(FTS, ids=f"{FTS}.rowid").where(f"{FTS} MATCH %s", match)
            if entry or dated:
                select = select.join(f" JOIN archive_searchentry e ON e.document_id = {FTS}.rowid")
        if excluded is not None:
            select = select.where(
                f"e.document_id NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)", excluded
            )
        return select.where(dated, *date_params)

    def _rank(self, search: Search, tier) -> str:
        return f"{RANK}, e.document_id"

    def bound(self, search: Search) -> tuple[int, bool] | None:
        """The FTS5 matches alone, counted cheaply: exact without dates, and an upper
        bound with them (their year tokens are coarser than the dates)."""
        match, _excluded = self._match(search)
        if match is None:
            return None
        count = self._run(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH %s", [match])[0][0]
        return count, search.date_from is None and search.date_to is None

    def _counted(self, search: Search, tier) -> Select:
        if (split := _years_split(search)) is None:
            return self._matches(search, tier, entry=False)
        # A document with a year wholly inside the range overlaps it: FTS5 alone counts
        # those. Only the others (at the range's edges, or open-ended) are joined to
        # check their dates.
        sure, unsure = split
        sure_sql, sure_params = self._matches(
            search, tier, years=sure, dates=False, entry=False
        ).sql("1")
        unsure_sql, unsure_params = self._matches(search, tier, years=unsure, entry=False).sql("1")
        return Select(f"({sure_sql} UNION ALL {unsure_sql}) parts", (*sure_params, *unsure_params))

    def _tally_rank(self, search: Search) -> str | None:
        return RANK if search.has_text and search.effective_sort == Sort.RELEVANCE else None

    def _windows(self, search: Search, needed: int, total, estimate) -> tuple[int, ...]:
        """A page by date of words in a large share of the archive is read off the date
        index, each document looked up among the matches: a page then takes a few dozen
        lookups, where sorting by date joins and sorts every match. Only the first
        PROBE_WINDOW times as many dated documents as the page needs on average are
        looked up (matches may cluster in other years)."""
        dated = search.date_from is not None or search.date_to is not None
        if search.effective_sort == Sort.RELEVANCE or not total or dated:
            return ()
        if self._match(search)[0] is None:
            return ()
        first, last = self._id_span()
        expected = needed * (last - first + 1) / total
        return (round(expected * PROBE_WINDOW),) if expected <= PROBE_LIMIT else ()

    def _window_matches(self, search: Search, tier) -> Select:
        """Each document of the date index looked up among the matches, listed once ("+":
        a MATCH per document would merge a stem prefix's doclists anew each time)."""
        match, _excluded = self._match(search, tier)
        return Select("archive_searchentry e").check(
            f"+e.document_id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)", match
        )

    def _id_span(self) -> tuple[int, int]:
        # Two subqueries: each is one step down the primary key; min and max together
        # would scan the table.
        [(first, last)] = self._run(
            "SELECT (SELECT min(document_id) FROM archive_searchentry), "
            "(SELECT max(document_id) FROM archive_searchentry)",
            [],
        )
        return first, last

    def _sampled_key_counts(self, search: Search, matches: Select, every: int) -> Counter:
        """Facet counts of about one match in ``every``, from SAMPLE_STRIPES evenly spread
        runs of ids: FTS5 seeks straight to a range of rowids, where it would evaluate
        the MATCH on every row for a modulo to leave most out. A value held only by
        documents added together, fewer than the gap between runs, can be missed: these
        counts are shown as estimates. Not with a date range: each run would restart
        the years' dozen token lists."""
        # Nor with a stem's prefix: FTS5 merges the doclists of every word it begins
        # anew in each run, where one pass over the matches merges them once.
        if (
            matches.ids != f"{FTS}.rowid"
            or _years_match(search) is not None
            or _PREFIX in (self._match(search)[0] or "")
        ):
            return super()._sampled_key_counts(search, matches, every)
        first, last = self._id_span()
        span = last - first + 1
        gap = max(1, span // SAMPLE_STRIPES)
        width = max(1, gap // every)
        starts = range(first, last + 1, gap)
        stripes = [
            matches.where(f"{FTS}.rowid BETWEEN %s AND %s", s, s + width - 1) for s in starts
        ]
        parts = [stripe.sql("e.facets") for stripe in stripes]
        statement = " UNION ALL ".join(part for part, _ in parts)
        rows = self._run(statement, [p for _, params in parts for p in params])
        counts = Counter(" ".join(keys for (keys,) in rows).split())
        sampled = sum(min(width, last + 1 - start) for start in starts)
        return Counter({key: round(count * span / sampled) for key, count in counts.items()})

    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        if not search.has_text or not document_ids:
            return {}
        # The words alone: these documents match the rest, and every other phrase in the
        # expression (year and facet keys) would be looked for in their texts too.
        match = _words(search, TEXT_COLUMNS)
        ids = list(document_ids)
        among = f"rowid IN ({', '.join(['%s'] * len(ids))})"
        if _PREFIX in match:
            # FTS5 runs the MATCH once per id of an IN, merging a stem prefix's doclists
            # each time: one pass over the ids' range instead ("+" keeps the IN from it).
            among, ids = f"rowid BETWEEN %s AND %s AND +{among}", [min(ids), max(ids), *ids]
        start, end = indexed.MARK_START, indexed.MARK_END
        rows = self._run(
            f"SELECT rowid, highlight({FTS}, 0, %s, %s), "
            f"snippet({FTS}, 2, %s, %s, '…', {SNIPPET_TOKENS}), "
            f"snippet({FTS}, 1, %s, %s, '…', {SNIPPET_TOKENS}) "
            f"FROM {FTS} WHERE {FTS} MATCH %s AND {among}",
            [start, end, start, end, start, end, match, *ids],
        )
        return {
            document_id: Snippet(title or "", body if start in (body or "") else summary or "")
            for document_id, title, body, summary in rows
        }

    # ----- writing ------------------------------------------------------------------------

    def _insert_sql(self, only: str = "") -> tuple[str, str]:
        """The two INSERTs of the index rows: of every document, or ``only`` those."""
        entry = (
            "INSERT INTO archive_searchentry (document_id, date_earliest, date_latest, facets) "
            "SELECT d.id, d.date_earliest, d.date_latest, "
            f"dossier_keys({sql.facet_keys_sql('sqlite')}) "
            "FROM archive_document d WHERE d.status = 'published'"
            + (f" AND {only}" if only else "")
        )
        body = (
            "coalesce((SELECT group_concat(dossier_html(x.body), char(10)) "
            "FROM archive_transcript x WHERE x.document_id = d.id), '') || char(10) || "
            "coalesce((SELECT group_concat(dossier_html(x.approved_body), char(10)) "
            "FROM archive_translation x WHERE x.document_id = d.id AND x.approved_body <> ''), '')"
        )
        fts = (
            f"INSERT INTO {FTS} (rowid, title, summary, body, names, facets, years) "
            f"SELECT d.id, dossier_plain(d.title), dossier_plain(d.summary), {body}, "
            f"dossier_plain({sql.names_sql('sqlite')}), e.facets, "
            "dossier_years(d.date_earliest, d.date_latest) "
            "FROM archive_document d JOIN archive_searchentry e ON e.document_id = d.id"
            + (f" WHERE {only}" if only else "")
        )
        return entry, fts

    def reindex(self, document_ids: Sequence[int]) -> None:
        ids = [int(i) for i in document_ids]
        placeholders = ", ".join(["%s"] * len(ids))
        entry, fts = self._insert_sql(f"d.id IN ({placeholders})")
        with connection.cursor() as cursor:
            register_functions(cursor.connection)
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({placeholders})", ids)
            cursor.execute(
                f"DELETE FROM archive_searchentry WHERE document_id IN ({placeholders})", ids
            )
            cursor.execute(entry, ids)
            cursor.execute(fts, ids)

    def rebuild(self) -> int:
        entry, fts = self._insert_sql()
        with connection.cursor() as cursor:
            register_functions(cursor.connection)
            cursor.execute(f"DELETE FROM {FTS}")
            cursor.execute("DELETE FROM archive_searchentry")
            cursor.execute(entry)
            cursor.execute(fts)
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
            cursor.execute("SELECT count(*) FROM archive_searchentry")
            return cursor.fetchone()[0]
