"""PostgreSQL full-text search: the production backend.

``archive_searchentry.vector`` (migration 0003) is a stored tsvector with a GIN
index: title (weight A) and summary (B) in the archive's configuration, each
transcript and approved translation (C) in its own language's configuration,
names (D) in ``simple``. ``facet_array`` (generated from ``facets``) has a GIN
index too, so filters and words are intersected in the index.

Each word or phrase the reader typed goes through ``websearch_to_tsquery`` once
per configuration in use, OR-ed, so a word matches however the text it is in was
stemmed; the terms are then combined with ``&&``, ``||`` and ``!!``. Every term is
a bound parameter.

Chinese and Japanese text is indexed as single characters and as pairs of adjacent
characters (migration 0004): a word of several such characters is searched as a
phrase of its pairs, which few documents hold, rather than of single characters,
which most documents in those languages hold and would each have to be read.
"""

import contextlib
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.db import connection, transaction

from archive.search import index
from archive.search.backends import sql
from archive.search.backends.base import (
    HEAD,
    REST,
    Estimate,
    Search,
    SearchBackend,
    Snippet,
    Sort,
)

# Above this many candidates (documents holding the words, found by the GIN index
# alone), a search's counts are estimated from a window of the newest WINDOW documents,
# as long as that window holds MIN_SAMPLE_HITS matches; pages listed newest first or by
# date are looked for in windows of WINDOW and WINDOW * WINDOW_GROWTH documents first.
EXACT_LIMIT = 10_000
WINDOW = 5_000
WINDOW_GROWTH = 8
MIN_SAMPLE_HITS = 20
# At most this many of the window's newest candidates are read for an estimate.
ESTIMATE_SAMPLE = 1_000
# ts_rank weights for D, C, B, A: title above summary above body above names.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# ts_headline's time grows with the text and its matches: excerpts come from the start.
HEADLINE_TEXT = 6000
CJK_HEADLINE_TEXT, CJK_LEAD = 600, 90
HEADLINE_OPTIONS = (
    "MaxFragments=2, MaxWords=30, MinWords=12, ShortWord=2, "
    'FragmentDelimiter=" … ", StartSel={start}, StopSel={end}'
)


_CJK_WORDS = re.compile(f"[{index.CJK_RANGES}]( [{index.CJK_RANGES}])+")


def cjk_pairs(text: str) -> str | None:
    """The pairs phrase ("外交 交部") for a term of spaced CJK characters ("外 交 部")."""
    if not _CJK_WORDS.fullmatch(text):
        return None
    chars = text.replace(" ", "")
    return " ".join(chars[i : i + 2] for i in range(len(chars) - 1))


def _tsvector(config: str, text: str) -> str:
    """SQL for a text's tsvector: its words, then the pairs of its CJK characters."""
    return f"(to_tsvector({config}, {text}) || to_tsvector('english', dossier_cjk_pairs({text})))"


def _window(key: str, size: int) -> tuple[str, list]:
    """The newest ``size`` documents ("-document_id"), or the ``size`` latest or earliest
    dated ones ("-date_earliest", "date_earliest"), as a condition an index answers.

    A page in that order found inside the window is the page of the whole result set;
    a window over an archive smaller than ``size`` holds nothing.
    """
    column = key.lstrip("-")
    descending = key.startswith("-")
    boundary, params = _boundary(column, size, descending=descending)
    return f"e.{column} {'>=' if descending else '<='} {boundary}", params


def _boundary(column: str, size: int, *, descending: bool) -> tuple[str, list]:
    """SQL for the value of ``column`` at rank ``size`` in that order (NULL if fewer rows)."""
    return (
        f"(SELECT {column} FROM archive_searchentry WHERE {column} IS NOT NULL "
        f"ORDER BY {column} {'DESC' if descending else 'ASC'} OFFSET %s LIMIT 1)",
        [size - 1],
    )


def _about(count: float) -> int:
    """An estimate rounded to two significant figures: 12,345 → 12,000."""
    digits = max(0, len(str(round(count))) - 2)
    return round(round(count), -digits)


@cache
def query_configs() -> tuple[str, ...]:
    """The configurations the archive's texts are indexed with (cleared when languages change)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM archive_language")
        codes = [row[0] for row in cursor.fetchall()]
    return tuple(sorted({"simple", index.ARCHIVE_CONFIG} | {index.pg_config(c) for c in codes}))


def _config_case(column: str) -> str:
    """SQL choosing the regconfig for a language code column."""
    whens = " ".join(
        f"WHEN '{code}' THEN '{config}'::regconfig"
        for code, config in sorted(index.LANGUAGE_CONFIGS.items())
    )
    return f"(CASE split_part(lower({column}), '-', 1) {whens} ELSE 'simple'::regconfig END)"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    # ----- compiling a search -------------------------------------------------------------

    def _term(self, term, *, headline: bool = False, loose: bool = False) -> tuple[str, list]:
        """``headline``: for highlighting in plain text, which has no CJK pairs.
        ``loose``: a phrase's words in any order, which the GIN index answers alone."""
        pairs = None if headline else cjk_pairs(term.text)
        if pairs is not None:
            return "websearch_to_tsquery('english', %s)", [pairs if loose else f'"{pairs}"']
        text = f'"{term.text}"' if term.is_phrase and not loose else term.text
        configs = query_configs()
        parts = " || ".join(f"websearch_to_tsquery('{c}', %s)" for c in configs)
        return f"({parts})", [text] * len(configs)

    def _any(self, terms, **options) -> tuple[str, list]:
        parts, params = [], []
        for term in terms:
            expr, term_params = self._term(term, **options)
            parts.append(expr)
            params += term_params
        return "(" + " || ".join(parts) + ")", params

    def _tsqueries(self, search: Search, **options) -> tuple[str | None, list, str | None, list]:
        """SQL for the tsquery of what must match, and of what must not, with their params."""
        positive, positive_params = None, []
        excluded, excluded_params = None, []
        if search.has_text:
            groups = []
            for group in search.query.groups:
                expr, group_params = self._any(group, **options)
                groups.append(expr)
                positive_params += group_params
            positive = " && ".join(groups)
        if search.query is not None and search.query.excluded:
            excluded, excluded_params = self._any(search.query.excluded)
        return positive, positive_params, excluded, excluded_params

    def _from_where(
        self, search: Search, tier: str | None = None, *, window: tuple[str, list] | None = None
    ) -> tuple[str, list, bool]:
        """FROM and WHERE clauses; the tsquery, if any, is ``sq.q``. ``window``: one more
        condition (SQL, params), such as a range of document ids."""
        positive, positive_params, excluded, excluded_params = self._tsqueries(search)
        params = positive_params + excluded_params
        source = "archive_searchentry e"
        # Words last: of conditions equally cheap to the planner, PostgreSQL checks them
        # in the order written, and the others spare decompressing a row's tsvector.
        where, words = [], []
        if positive or excluded:
            selects = []
            if positive:
                selects.append(f"({positive}) AS q")
                if tier == HEAD:
                    words.append("e.head_vector @@ sq.q")
                else:
                    words.append("e.vector @@ sq.q")
                if tier == REST:
                    words.append("NOT (e.head_vector @@ sq.q)")
            if excluded:
                selects.append(f"({excluded}) AS x")
                words.append("NOT (e.vector @@ sq.x)")
            source += f", (SELECT {', '.join(selects)}) sq"
        for facet in search.facets:
            operator = "@>" if facet.match_all else "&&"
            where.append(f"e.facet_array {operator} %s::text[]")
            params.append(list(facet.keys))
        # The planner guesses a word it has no statistics for in some 2% of documents, and
        # would intersect a rare word's few rows with a date index scan of half the archive.
        dates, date_params = sql.date_conditions(search, indexable=not search.has_text)
        where += dates
        params += date_params
        if window is not None:
            where.append(window[0])
            params += window[1]
        where += words
        clause = f" FROM {source}" + (" WHERE " + " AND ".join(where) if where else "")
        return clause, params, positive is not None

    def _run(self, statement: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    # ----- reading ------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self):
        """One transaction for a search page, planned without sequential scans.

        The planner does not count the cost of reading each row's tsvector out of
        TOAST, so for words in many documents it prefers scanning (and detoasting)
        the whole index table to the GIN index: 0.8 s instead of a few ms for 95k
        matches in 300k documents.
        """
        # No savepoint inside an outer transaction: SET LOCAL then lasts until it ends.
        with transaction.atomic(savepoint=False):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            yield

    def _count(self, search: Search, *, tier: str | None, at_most: int | None = None) -> int:
        clause, params, _ranked = self._from_where(search, tier)
        return self._run(*sql.count_statement(clause, params, at_most))[0][0]

    def _page(
        self,
        search: Search,
        offset: int,
        limit: int,
        *,
        tier: str | None,
        ranked: bool = True,
        windowed: bool = False,
    ) -> list[int]:
        sort = search.effective_sort
        window_key = window_order = None
        if tier == REST or not ranked:
            order = window_order = "e.document_id DESC"
            window_key = "-document_id"
        elif sort == Sort.RELEVANCE and search.has_text:
            vector = "e.head_vector" if tier == HEAD else "e.vector"
            order = f"ts_rank('{RANK_WEIGHTS}', {vector}, sq.q) DESC, e.document_id"
        else:
            order, window_key = sql.date_order(sort), sort.replace("date", "date_earliest")
            # A date window holds dated documents only: an order the date index gives.
            window_order = sql.date_order(sort, dated_only=True)
        if windowed and window_key:
            for size in self._window_sizes():
                clause, params, _ = self._from_where(search, tier, window=_window(window_key, size))
                rows = self._run(
                    f"SELECT e.document_id{clause} ORDER BY {window_order} LIMIT %s",
                    [*params, offset + limit],
                )
                if len(rows) == offset + limit:
                    return [row[0] for row in rows[offset:]]
        clause, params, _ = self._from_where(search, tier)
        rows = self._run(
            f"SELECT e.document_id{clause} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in rows]

    def _window_sizes(self) -> tuple[int, ...]:
        size = getattr(settings, "DOSSIER_SEARCH_WINDOW", WINDOW)
        return (size, size * WINDOW_GROWTH)

    def estimate(self, search: Search) -> Estimate | None:
        """Counts scaled up from the newest documents, when the words' candidate
        documents are too many to check within the latency budget.

        One query: among the newest candidates the GIN indexes find alone (a phrase's
        words in any order, no exclusions or dates), at most ESTIMATE_SAMPLE of them
        and none older than the window, the matches, those matching in title, summary
        or names, and the matches' facet keys. For a word in most documents the sample
        fills long before the window: fewer rows read (and their texts decompressed).
        """
        exact_limit = getattr(settings, "DOSSIER_SEARCH_EXACT_LIMIT", EXACT_LIMIT)
        sample = getattr(settings, "DOSSIER_SEARCH_ESTIMATE_SAMPLE", ESTIMATE_SAMPLE)
        size = self._window_sizes()[0]
        loose, loose_params, _x, _xp = self._tsqueries(search, loose=True)
        positive, positive_params, excluded, excluded_params = self._tsqueries(search)
        # Params in the order of the SQL: the hit test, the words, then the conditions.
        hit, hit_params = sql.date_conditions(search)
        selects, select_params, where, where_params = [], [], [], []
        if loose is not None:
            selects.append(f"({loose}) AS loose, ({positive}) AS q")
            select_params += loose_params + positive_params
            where.append("e.vector @@ sq.loose")
            if any(term.is_phrase for term in search.query.terms):
                hit.append("e.vector @@ sq.q")
        if excluded is not None:
            selects.append(f"({excluded}) AS x")
            select_params += excluded_params
            hit.append("NOT (e.vector @@ sq.x)")
        for facet in search.facets:
            operator = "@>" if facet.match_all else "&&"
            where.append(f"e.facet_array {operator} %s::text[]")
            where_params.append(list(facet.keys))
        boundary, boundary_params = _boundary("document_id", size, descending=True)
        # First: of conditions equally cheap to the planner, PostgreSQL checks them in the
        # order written, and the window leaves few of a facet's rows to decompress.
        where.insert(0, f"e.document_id >= {boundary}")
        source = "archive_searchentry e"
        if selects:
            source += f", (SELECT {', '.join(selects)}) sq"
        head = "e.head_vector @@ sq.q" if positive is not None else "false"
        [(candidates, hits, head_hits, oldest, keys, span, newest, boundary_id)] = self._run(
            "WITH w AS MATERIALIZED ("
            f"  SELECT e.document_id, e.facets, {' AND '.join(hit) or 'true'} AS hit, "
            f"  {head} AS head FROM {source} WHERE {' AND '.join(where)} "
            "  ORDER BY e.document_id DESC LIMIT %s) "
            "SELECT count(*), count(*) FILTER (WHERE hit), count(*) FILTER (WHERE hit AND head), "
            "min(document_id), string_agg(facets, ' ') FILTER (WHERE hit), "
            # Ids spanned by the archive and by the sample: their ratio scales counts up.
            "(SELECT max(document_id) - min(document_id) + 1 FROM archive_searchentry), "
            f"(SELECT max(document_id) FROM archive_searchentry), {boundary} FROM w",
            [
                *hit_params,
                *select_params,
                *boundary_params,
                *where_params,
                sample,
                *boundary_params,
            ],
        )
        if boundary_id is None:
            return None  # an archive smaller than the window
        # A full sample reaches back to its oldest candidate; otherwise, the whole window.
        sampled_span = newest - (oldest if candidates == sample else boundary_id) + 1
        scale = span / sampled_span
        if candidates * scale <= exact_limit or hits < MIN_SAMPLE_HITS:
            return None  # few enough to count; or too few in the window to scale up
        return Estimate(
            count=_about(hits * scale),
            head_count=round(head_hits * scale),
            facets=Counter(
                {key: round(n * scale) for key, n in Counter((keys or "").split()).items()}
            ),
        )

    def _tally_from_where(self, search: Search) -> tuple[str, list]:
        clause, params, _ranked = self._from_where(search)
        return clause, params

    def facet_counts(self, search: Search, *, sample_every: int = 1) -> Counter[str]:
        clause, params, _ranked = self._from_where(search)
        if sample_every > 1:
            clause += (" AND " if " WHERE " in clause else " WHERE ") + "e.document_id %% %s = 0"
            params = [*params, sample_every]
        clause = clause.replace(
            " FROM archive_searchentry e",
            " FROM archive_searchentry e CROSS JOIN LATERAL unnest(e.facet_array) k",
            1,
        )
        rows = self._run(f"SELECT k, count(*){clause} GROUP BY k", params)
        return Counter({key: count * sample_every for key, count in rows})

    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        positive, params, _excluded, _excluded_params = self._tsqueries(search, headline=True)
        if positive is None or not document_ids:
            return {}
        options = HEADLINE_OPTIONS.format(start=index.MARK_START, end=index.MARK_END)
        title_options = f"HighlightAll=true, StartSel={index.MARK_START}, StopSel={index.MARK_END}"
        cfg = index.ARCHIVE_CONFIG
        excerpt, excerpt_params = f"left(e.body_text, {HEADLINE_TEXT})", []
        cjk = next((t.text for t in search.query.terms if cjk_pairs(t.text) is not None), None)
        if cjk is not None:
            # Each CJK character is a word to ts_headline: from the start, 6,000 characters
            # took 5-15 ms a document. A CJK word is found as written (spaced as the text
            # was, by dossier_plain): the excerpt starts just before it.
            at = "strpos(e.body_text, btrim(dossier_plain(%s)))"
            excerpt = f"substr(e.body_text, greatest(1, {at} - {CJK_LEAD}), {CJK_HEADLINE_TEXT})"
            excerpt_params = [cjk.replace(" ", "")]
        rows = self._run(
            f"SELECT e.document_id, "
            f"ts_headline('{cfg}', dossier_plain(d.title), sq.q, %s), "
            f"ts_headline('{cfg}', {excerpt}, sq.q, %s), "
            f"ts_headline('{cfg}', dossier_plain(d.summary), sq.q, %s) "
            f"FROM archive_searchentry e JOIN archive_document d ON d.id = e.document_id, "
            f"(SELECT ({positive}) AS q) sq WHERE e.document_id = ANY(%s)",
            [
                title_options,
                *excerpt_params,
                options,
                title_options,
                *params,
                list(document_ids),
            ],
        )
        start = index.MARK_START
        return {
            document_id: Snippet(title=title, body=body if start in (body or "") else summary)
            for document_id, title, body, summary in rows
        }

    # ----- writing ------------------------------------------------------------------------

    def _insert_sql(self, where: str) -> str:
        config = _config_case("l.code")
        archive = index.ARCHIVE_CONFIG
        return (
            "INSERT INTO archive_searchentry "
            "(document_id, date_earliest, date_latest, facets, body_text, head_vector, vector) "
            "SELECT d.id, d.date_earliest, d.date_latest, "
            f"dossier_keys({sql.facet_keys_sql('postgresql')}), coalesce(b.body_text, ''), "
            "h.head, h.head || setweight(coalesce(b.body_vector, ''::tsvector), 'C') "
            "FROM archive_document d CROSS JOIN LATERAL (SELECT dossier_plain(d.title) AS title, "
            "dossier_plain(d.summary) AS summary, "
            # OFFSET 0 keeps the planner from copying these expressions into each use.
            f"dossier_plain({sql.names_sql('postgresql')}) AS names OFFSET 0) t "
            "CROSS JOIN LATERAL (SELECT "
            f"setweight({_tsvector(f"'{archive}'", 't.title')}, 'A') || "
            f"setweight({_tsvector(f"'{archive}'", 't.summary')}, 'B') || "
            f"setweight({_tsvector("'simple'", 't.names')}, 'D') "
            "AS head) h LEFT JOIN LATERAL ("
            "  SELECT string_agg(p.txt, E'\\n') AS body_text, "
            f"         tsvector_agg({_tsvector('p.cfg', 'p.txt')}) AS body_vector "
            f"  FROM (SELECT {config} AS cfg, dossier_html(x.body) AS txt "
            "        FROM archive_transcript x JOIN archive_language l ON l.id = x.language_id "
            "        WHERE x.document_id = d.id "
            f"        UNION ALL SELECT {config}, dossier_html(x.approved_body) "
            "        FROM archive_translation x JOIN archive_language l ON l.id = x.language_id "
            "        WHERE x.document_id = d.id AND x.approved_body <> '') p"
            ") b ON true "
            f"WHERE d.status = 'published'{where}"
        )

    def reindex(self, document_ids: Sequence[int]) -> None:
        ids = [int(i) for i in document_ids]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM archive_searchentry WHERE document_id = ANY(%s)", [ids])
            cursor.execute(self._insert_sql(" AND d.id = ANY(%s)"), [ids])

    def rebuild(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE archive_searchentry")
            cursor.execute("DROP INDEX IF EXISTS searchentry_vector")
            cursor.execute("DROP INDEX IF EXISTS searchentry_facet_array")
            cursor.execute("DROP INDEX IF EXISTS searchentry_head_vector")
            cursor.execute(self._insert_sql(""))
            cursor.execute(
                "CREATE INDEX searchentry_vector ON archive_searchentry USING gin (vector)"
            )
            cursor.execute(
                "CREATE INDEX searchentry_head_vector ON archive_searchentry "
                "USING gin (head_vector)"
            )
            cursor.execute(
                "CREATE INDEX searchentry_facet_array ON archive_searchentry "
                "USING gin (facet_array)"
            )
            cursor.execute("ANALYZE archive_searchentry")
            cursor.execute("SELECT count(*) FROM archive_searchentry")
            return cursor.fetchone()[0]
