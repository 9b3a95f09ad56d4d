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
"""

import contextlib
from collections import Counter
from collections.abc import Sequence
from functools import cache

from django.db import connection, transaction

from archive.search import index
from archive.search.backends import sql
from archive.search.backends.base import HEAD, REST, Search, SearchBackend, Snippet, Sort

# ts_rank weights for D, C, B, A: title above summary above body above names.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# ts_headline's time grows with the text and its matches: excerpts come from the start.
HEADLINE_TEXT = 6000
HEADLINE_OPTIONS = (
    "MaxFragments=2, MaxWords=30, MinWords=12, ShortWord=2, "
    'FragmentDelimiter=" … ", StartSel={start}, StopSel={end}'
)


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

    def _term(self, term) -> tuple[str, list]:
        text = f'"{term.text}"' if term.is_phrase else term.text
        configs = query_configs()
        parts = " || ".join(f"websearch_to_tsquery('{c}', %s)" for c in configs)
        return f"({parts})", [text] * len(configs)

    def _any(self, terms) -> tuple[str, list]:
        parts, params = [], []
        for term in terms:
            expr, term_params = self._term(term)
            parts.append(expr)
            params += term_params
        return "(" + " || ".join(parts) + ")", params

    def _tsqueries(self, search: Search) -> tuple[str | None, list, str | None, list]:
        """SQL for the tsquery of what must match, and of what must not, with their params."""
        positive, positive_params = None, []
        excluded, excluded_params = None, []
        if search.has_text:
            groups = []
            for group in search.query.groups:
                expr, group_params = self._any(group)
                groups.append(expr)
                positive_params += group_params
            positive = " && ".join(groups)
        if search.query is not None and search.query.excluded:
            excluded, excluded_params = self._any(search.query.excluded)
        return positive, positive_params, excluded, excluded_params

    def _from_where(self, search: Search, tier: str | None = None) -> tuple[str, list, bool]:
        """FROM and WHERE clauses; the tsquery, if any, is ``sq.q``."""
        positive, positive_params, excluded, excluded_params = self._tsqueries(search)
        params = positive_params + excluded_params
        source = "archive_searchentry e"
        where = []
        if positive or excluded:
            selects = []
            if positive:
                selects.append(f"({positive}) AS q")
                if tier == HEAD:
                    where.append("e.head_vector @@ sq.q")
                else:
                    where.append("e.vector @@ sq.q")
                if tier == REST:
                    where.append("NOT (e.head_vector @@ sq.q)")
            if excluded:
                selects.append(f"({excluded}) AS x")
                where.append("NOT (e.vector @@ sq.x)")
            source += f", (SELECT {', '.join(selects)}) sq"
        for facet in search.facets:
            operator = "@>" if facet.match_all else "&&"
            where.append(f"e.facet_array {operator} %s::text[]")
            params.append(list(facet.keys))
        dates, date_params = sql.date_conditions(search)
        where += dates
        params += date_params
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

    def _count(self, search: Search, *, tier: str | None) -> int:
        clause, params, _ranked = self._from_where(search, tier)
        return self._run("SELECT count(*)" + clause, params)[0][0]

    def _page(
        self, search: Search, offset: int, limit: int, *, tier: str | None, ranked: bool = True
    ) -> list[int]:
        clause, params, has_words = self._from_where(search, tier)
        sort = search.effective_sort
        if tier == REST or not ranked:
            order = "e.document_id DESC"
        elif sort == Sort.RELEVANCE and has_words:
            vector = "e.head_vector" if tier == HEAD else "e.vector"
            order = f"ts_rank('{RANK_WEIGHTS}', {vector}, sq.q) DESC, e.document_id"
        else:
            order = sql.date_order(sort)
        rows = self._run(
            f"SELECT e.document_id{clause} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in rows]

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
        return Counter(dict(rows))

    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        positive, params, _excluded, _excluded_params = self._tsqueries(search)
        if positive is None or not document_ids:
            return {}
        options = HEADLINE_OPTIONS.format(start=index.MARK_START, end=index.MARK_END)
        title_options = f"HighlightAll=true, StartSel={index.MARK_START}, StopSel={index.MARK_END}"
        cfg = index.ARCHIVE_CONFIG
        rows = self._run(
            f"SELECT e.document_id, "
            f"ts_headline('{cfg}', dossier_plain(d.title), sq.q, %s), "
            f"ts_headline('{cfg}', left(e.body_text, {HEADLINE_TEXT}), sq.q, %s), "
            f"ts_headline('{cfg}', dossier_plain(d.summary), sq.q, %s) "
            f"FROM archive_searchentry e JOIN archive_document d ON d.id = e.document_id, "
            f"(SELECT ({positive}) AS q) sq WHERE e.document_id = ANY(%s)",
            [title_options, options, title_options, *params, list(document_ids)],
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
            "FROM archive_document d CROSS JOIN LATERAL (SELECT "
            f"setweight(to_tsvector('{archive}', dossier_plain(d.title)), 'A') || "
            f"setweight(to_tsvector('{archive}', dossier_plain(d.summary)), 'B') || "
            f"setweight(to_tsvector('simple', dossier_plain({sql.names_sql('postgresql')})), 'D') "
            "AS head) h LEFT JOIN LATERAL ("
            "  SELECT string_agg(p.txt, E'\\n') AS body_text, "
            "         tsvector_agg(to_tsvector(p.cfg, p.txt)) AS body_vector "
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
