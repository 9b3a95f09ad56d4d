"""PostgreSQL full-text search: the production backend.

``archive_searchentry.vector`` (migration 0003) is a stored tsvector with a GIN
index: title (weight A) and summary (B) in the archive's configuration, each
transcript and approved translation (C) in its own language's configuration,
names (D) in ``simple`` (English and ``simple`` folding diacritics: migration 0017).
``facet_array`` (generated from ``facets``) has a GIN index too, so filters and words
are intersected in the index.

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
import operator
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache, reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from archive.search import text as indexed
from archive.search.backends import sql
from archive.search.backends.base import (
    HEAD,
    REST,
    Estimate,
    Search,
    SearchBackend,
    Snippet,
    Sort,
    tuning,
)
from archive.search.backends.sql import Select
from archive.search.models import SearchEntry

# Pages by date or newest first are looked for in windows of WINDOW and WINDOW_GROWTH
# times as many documents; an estimate needs MIN_SAMPLE_HITS matches to scale up.
WINDOW_GROWTH = 8
MIN_SAMPLE_HITS = 20
# ts_rank weights for D, C, B, A: title above summary above body above names.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# ts_headline's time grows with the text and its matches: excerpts come from the start.
HEADLINE_TEXT = 6000
CJK_HEADLINE_TEXT, CJK_LEAD = 600, 90


_CJK_WORDS = re.compile(f"[{indexed.CJK_RANGES}]( [{indexed.CJK_RANGES}])+")


def cjk_pairs(text: str) -> str | None:
    """The pairs phrase ("外交 交部") for a term of spaced CJK characters ("外 交 部")."""
    if not _CJK_WORDS.fullmatch(text):
        return None
    chars = text.replace(" ", "")
    return " ".join(chars[i : i + 2] for i in range(len(chars) - 1))


def _tsvector(config: str, text: str) -> str:
    """SQL for a text's tsvector: its words, then the pairs of its CJK characters."""
    return f"(to_tsvector({config}, {text}) || to_tsvector('english', dossier_cjk_pairs({text})))"


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
    configs = {indexed.SIMPLE_CONFIG, indexed.ARCHIVE_CONFIG}
    return tuple(sorted(configs | {indexed.pg_config(c) for c in codes}))


def _sql(expression) -> tuple[str, list]:
    """An ORM expression compiled to SQL and params."""
    sql_, params = Query(SearchEntry).get_compiler(connection=connection).compile(expression)
    return sql_, list(params)


def _config_case(column: str) -> str:
    """SQL choosing the regconfig for a language code column."""
    whens = " ".join(
        f"WHEN '{code}' THEN '{config}'::regconfig"
        for code, config in sorted(indexed.LANGUAGE_CONFIGS.items())
    )
    default = f"'{indexed.SIMPLE_CONFIG}'::regconfig"
    return f"(CASE split_part(lower({column}), '-', 1) {whens} ELSE {default} END)"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def _term(self, term, *, headline: bool = False, loose: bool = False) -> SearchQuery:
        """``headline``: for highlighting in plain text, which has no CJK pairs.
        ``loose``: a phrase's words in any order, which the GIN index answers alone."""
        pairs = None if headline else cjk_pairs(term.text)
        if pairs is not None:
            return SearchQuery(
                pairs if loose else f'"{pairs}"', config="english", search_type="websearch"
            )
        text = f'"{term.text}"' if term.is_phrase and not loose else term.text
        queries = (SearchQuery(text, config=c, search_type="websearch") for c in query_configs())
        return reduce(operator.or_, queries)

    def _tsquery(self, search: Search, **options) -> tuple[str, list] | None:
        """SQL for the tsquery of what must match, with its params (None without words)."""
        if not search.has_text:
            return None
        groups = (
            reduce(operator.or_, (self._term(t, **options) for t in g)) for g in search.query.groups
        )
        return _sql(reduce(operator.and_, groups))

    def _excluded(self, search: Search) -> tuple[str, list] | None:
        if search.query is None or not search.query.excluded:
            return None
        return _sql(reduce(operator.or_, (self._term(t) for t in search.query.excluded)))

    def _with_queries(self, select: Select, **queries) -> Select:
        """The tsqueries joined once as ``sq.<name>`` (each is several function calls)."""
        named = [(name, q) for name, q in queries.items() if q is not None]
        if not named:
            return select
        columns = ", ".join(f"({q[0]}) AS {name}" for name, q in named)
        return select.join(f", (SELECT {columns}) sq", *(p for _, q in named for p in q[1]))

    def _matches(self, search: Search, tier: str | None = None) -> Select:
        positive, excluded = self._tsquery(search), self._excluded(search)
        loose = self._tsquery(search, loose=True)
        loose = None if loose == positive else loose  # no phrase
        select = self._with_queries(Select("archive_searchentry e"), q=positive, loose=loose)
        for facet in search.facets:
            operator_ = "@>" if facet.match_all else "&&"
            select = select.where(f"e.facet_array {operator_} %s::text[]", list(facet.keys))
        # The planner guesses a word it has no statistics for in some 2% of documents, and
        # would intersect a rare word's few rows with a date index scan of half the archive.
        dated, date_params = sql.date_conditions(search, indexable=not search.has_text)
        select = select.where(dated, *date_params)
        vector = "e.head_vector" if tier == HEAD else "e.vector"
        if loose is not None:
            # The index finds the words in any order; the phrase, whose positions are read
            # out of TOAST, is checked after the dates, as a call no index condition is made
            # of (the index's recheck would read every candidate's vector first).
            select = select.check(f"{vector} @@ sq.loose").check(f"ts_match_vq({vector}, sq.q)")
        elif positive is not None:
            select = select.check(f"{vector} @@ sq.q")
        if positive is not None and tier == REST:
            select = select.check("NOT (e.head_vector @@ sq.q)")
        if excluded is not None:
            # An anti-join on the index, rather than each match's vector read for the word.
            select = select.check(
                "NOT EXISTS (SELECT 1 FROM archive_searchentry x "
                f"WHERE x.document_id = e.document_id AND x.vector @@ ({excluded[0]}))",
                *excluded[1],
            )
        return select

    def _rank(self, search: Search, tier: str | None) -> str:
        vector = "e.head_vector" if tier == HEAD else "e.vector"
        return f"ts_rank('{RANK_WEIGHTS}', {vector}, sq.q) DESC, e.document_id"

    def _tally_rank(self, search: Search) -> str | None:
        """Ranked while read whole: a page by relevance would read every match again."""
        if search.has_text and search.effective_sort == Sort.RELEVANCE:
            return f"-ts_rank('{RANK_WEIGHTS}', e.vector, sq.q)"
        return None

    def _key_counts(self, matches: Select) -> Counter[str]:
        rows = self._run(
            *matches.join(", unnest(e.facet_array) k").sql("k, count(*)", " GROUP BY k")
        )
        return Counter(dict(rows))

    @contextlib.contextmanager
    def session(self):
        """One transaction for a search page, planned without sequential scans.

        The planner does not count the cost of reading each row's tsvector out of
        TOAST, so for words in many documents it prefers scanning (and detoasting)
        the whole index table to the GIN index (bench/README.md).
        """
        # No savepoint inside an outer transaction: SET LOCAL then lasts until it ends.
        with transaction.atomic(savepoint=False):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            yield

    def _windows(self, search: Search, needed: int, total, estimate) -> tuple[int, ...]:
        """Only for an estimated (very large) result set."""
        size = tuning("WINDOW")
        return (size, size * WINDOW_GROWTH) if estimate is not None else ()

    def estimate(self, search: Search) -> Estimate | None:
        """Counts scaled up from the newest documents, when the words' candidate
        documents are too many to check within the latency budget.

        One query: among the newest candidates the GIN indexes find alone (a phrase's
        words in any order, no exclusions or dates), at most ESTIMATE_SAMPLE of them
        and none older than the window, the matches, those matching in title, summary
        or names, and the matches' facet keys. For a word in most documents the sample
        fills long before the window: fewer rows read (and their texts decompressed).
        """
        sample = tuning("ESTIMATE_SAMPLE")
        positive, excluded = self._tsquery(search), self._excluded(search)
        loose = self._tsquery(search, loose=True)
        dated, hit_params = sql.date_conditions(search)
        hit = [dated] if dated else []
        edge, edge_params = sql.boundary("document_id", tuning("WINDOW"), descending=True)
        # First: the window leaves few of a facet's rows to decompress.
        select = Select("archive_searchentry e").where(f"e.document_id >= {edge}", *edge_params)
        select = self._with_queries(select, loose=loose, q=positive, x=excluded)
        if loose is not None:
            select = select.check("e.vector @@ sq.loose")
            if any(term.is_phrase for term in search.query.terms):
                hit.append("e.vector @@ sq.q")
        if excluded is not None:
            hit.append("NOT (e.vector @@ sq.x)")
        for facet in search.facets:
            operator_ = "@>" if facet.match_all else "&&"
            select = select.where(f"e.facet_array {operator_} %s::text[]", list(facet.keys))
        head = "e.head_vector @@ sq.q" if positive is not None else "false"
        window, params = select.sql(
            f"e.document_id, e.facets, {' AND '.join(hit) or 'true'} AS hit, {head} AS head",
            " ORDER BY e.document_id DESC LIMIT %s",
            sample,
            column_params=hit_params,
        )
        [(candidates, hits, head_hits, oldest, keys, span, newest, boundary_id)] = self._run(
            f"WITH w AS MATERIALIZED ({window}) "
            "SELECT count(*), count(*) FILTER (WHERE hit), count(*) FILTER (WHERE hit AND head), "
            "min(document_id), string_agg(facets, ' ') FILTER (WHERE hit), "
            # Ids spanned by the archive and by the sample: their ratio scales counts up.
            "(SELECT max(document_id) - min(document_id) + 1 FROM archive_searchentry), "
            f"(SELECT max(document_id) FROM archive_searchentry), {edge} FROM w",
            [*params, *edge_params],
        )
        if boundary_id is None:
            return None  # an archive smaller than the window
        # A full sample reaches back to its oldest candidate; otherwise, the whole window.
        scale = span / (newest - (oldest if candidates == sample else boundary_id) + 1)
        if candidates * scale <= tuning("ESTIMATE_ABOVE") or hits < MIN_SAMPLE_HITS:
            return None  # few enough to count; or too few in the window to scale up
        return Estimate(
            count=_about(hits * scale),
            head_count=round(head_hits * scale),
            facets=Counter(
                {key: round(n * scale) for key, n in Counter((keys or "").split()).items()}
            ),
        )

    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        positive = self._tsquery(search, headline=True)
        if positive is None or not document_ids:
            return {}
        excerpt, excerpt_params = f"left(e.body_text, {HEADLINE_TEXT})", []
        cjk = next((t.text for t in search.query.terms if cjk_pairs(t.text) is not None), None)
        if cjk is not None:
            # Each CJK character is a word to ts_headline, which is slow over thousands
            # of them. A CJK word is found as written (spaced as the text was, by
            # dossier_plain): the excerpt starts just before it.
            at = "strpos(e.body_text, btrim(dossier_plain(%s)))"
            excerpt = f"substr(e.body_text, greatest(1, {at} - {CJK_LEAD}), {CJK_HEADLINE_TEXT})"
            excerpt_params = [cjk.replace(" ", "")]
        marks = {"start_sel": indexed.MARK_START, "stop_sel": indexed.MARK_END}
        whole = {"highlight_all": True, **marks}
        fragments = {"max_fragments": 2, "max_words": 30, "min_words": 12, "short_word": 2}
        headlines = [
            SearchHeadline(
                RawSQL(text, params), RawSQL("sq.q", []), config=indexed.ARCHIVE_CONFIG, **options
            )
            for text, params, options in [
                ("dossier_plain(d.title)", [], whole),
                (excerpt, excerpt_params, {**fragments, "fragment_delimiter": " … ", **marks}),
                ("dossier_plain(d.summary)", [], whole),
            ]
        ]
        columns = [_sql(headline) for headline in headlines]
        select = self._with_queries(
            Select("archive_searchentry e JOIN archive_document d ON d.id = e.document_id"),
            q=positive,
        ).where("e.document_id = ANY(%s)", list(document_ids))
        rows = self._run(
            *select.sql(
                "e.document_id, " + ", ".join(c for c, _ in columns),
                column_params=[p for _, params in columns for p in params],
            )
        )
        start = indexed.MARK_START
        return {
            document_id: Snippet(title=title, body=body if start in (body or "") else summary)
            for document_id, title, body, summary in rows
        }

    # ----- writing ------------------------------------------------------------------------

    def _insert_sql(self, where: str) -> str:
        config = _config_case("l.code")
        archive = indexed.ARCHIVE_CONFIG
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
            f"setweight({_tsvector(f"'{indexed.SIMPLE_CONFIG}'", 't.names')}, 'D') "
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
        indexes = {"searchentry_vector": "vector", "searchentry_head_vector": "head_vector"}
        indexes["searchentry_facet_array"] = "facet_array"
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE archive_searchentry")
            for name in indexes:  # built once after the rows: faster than row by row
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute(self._insert_sql(""))
            for name, column in indexes.items():
                cursor.execute(f"CREATE INDEX {name} ON archive_searchentry USING gin ({column})")
            cursor.execute("ANALYZE archive_searchentry")
            cursor.execute("SELECT count(*) FROM archive_searchentry")
            return cursor.fetchone()[0]
