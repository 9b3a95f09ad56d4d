"""SQL the two backends share: the per-document pieces of an index row.

Each function takes the vendor's aggregate (``group_concat``/``string_agg``) and
returns an expression correlated with the outer ``archive_document d``.
"""

import datetime

from archive.search.facets import DECLASSIFIED_YEAR_PREFIX
from archive.search.facets import FACET_PREFIXES as P

# Column names of the tables read (Django's defaults for the archive app).
DOCUMENT = "archive_document"


def _agg(vendor: str, expr: str, sep: str = "' '") -> str:
    return f"group_concat({expr}, {sep})" if vendor == "sqlite" else f"string_agg({expr}, {sep})"


def _sub(vendor: str, expr: str, rest: str) -> str:
    return f"coalesce((SELECT {_agg(vendor, expr)} {rest}), '')"


def _year(vendor: str, column: str) -> str:
    # SQLite keeps dates as "YYYY-MM-DD" text (and "%" would clash with query parameters).
    return f"substr({column}, 1, 4)" if vendor == "sqlite" else f"to_char({column}, 'YYYY')"


def facet_keys_sql(vendor: str) -> str:
    """Space-separated facet keys of document d (may repeat; the caller removes repeats)."""
    trim = "trim" if vendor == "sqlite" else "btrim"
    parts = [
        _sub(
            vendor,
            f"'{P['collection']}' || x.collection_id",
            "FROM archive_document_collections x WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['place']}' || replace({trim}(p.tree_path, '/'), '/', ' {P['place']}')",
            "FROM archive_document_places x JOIN archive_place p ON p.id = x.place_id "
            "WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['topic']}' || x.topic_id",
            "FROM archive_document_topics x WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['language']}' || x.language_id",
            "FROM archive_document_original_languages x WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['creator']}' || x.agent_id",
            "FROM archive_document_creators x WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['funder']}' || x.funder_id",
            "FROM archive_document_funders x WHERE x.document_id = d.id",
        ),
        _sub(
            vendor,
            f"'{P['repository']}' || x.repository_id",
            "FROM archive_provenance x WHERE x.document_id = d.id AND x.repository_id IS NOT NULL",
        ),
        _sub(
            vendor,
            f"'{P['translation_language']}' || x.language_id",
            "FROM archive_translation x WHERE x.document_id = d.id AND x.approved_body <> ''",
        ),
        _sub(
            vendor,
            f"'{P['translator']}' || tt.translator_id",
            "FROM archive_translation x JOIN archive_translation_approved_translators tt "
            "ON tt.translation_id = x.id WHERE x.document_id = d.id AND x.approved_body <> ''",
        ),
        _sub(
            vendor,
            f"'{P['declassified_by']}' || x.declassified_by_id",
            "FROM archive_provenance x WHERE x.document_id = d.id "
            "AND x.declassified_by_id IS NOT NULL",
        ),
        _sub(
            vendor,
            f"'{DECLASSIFIED_YEAR_PREFIX}' || {_year(vendor, 'x.declassified_on')}",
            "FROM archive_provenance x WHERE x.document_id = d.id "
            "AND x.declassified_on IS NOT NULL",
        ),
        f"coalesce('{P['type']}' || d.document_type_id, '')",
        f"coalesce('{P['classification']}' || d.classification_id, '')",
    ]
    return " || ' ' || ".join(parts)


def names_sql(vendor: str) -> str:
    """Names of d's creators, places and topics."""
    return " || ' ' || ".join(
        [
            _sub(
                vendor,
                "a.name",
                "FROM archive_document_creators x JOIN archive_agent a ON a.id = x.agent_id "
                "WHERE x.document_id = d.id",
            ),
            _sub(
                vendor,
                "p.name",
                "FROM archive_document_places x JOIN archive_place p ON p.id = x.place_id "
                "WHERE x.document_id = d.id",
            ),
            _sub(
                vendor,
                "t.name",
                "FROM archive_document_topics x JOIN archive_topic t ON t.id = x.topic_id "
                "WHERE x.document_id = d.id",
            ),
        ]
    )


def count_statement(clause: str, params: list, at_most: int | None) -> tuple[str, list]:
    """Counting the rows of a FROM/WHERE clause, stopping at ``at_most`` if given."""
    if at_most is None:
        return "SELECT count(*)" + clause, params
    return f"SELECT count(*) FROM (SELECT 1{clause} LIMIT %s) capped", [*params, at_most]


def date_conditions(search, alias: str = "e", *, indexable: bool = True) -> tuple[list[str], list]:
    """Overlap of the document's [earliest, latest] with the searched range.

    An open end (a date such as "../1950") reaches indefinitely; undated documents
    never match a date filter. ``indexable=False`` writes an open end as the farthest
    date instead of "IS NULL OR", which no date index answers: for a search whose
    words an index finds, checking the dates of those rows beats intersecting them
    with the half of the archive dated before (or after) a bound.
    """
    where, params = [], []
    if search.date_from is None and search.date_to is None:
        return where, params
    where.append(f"({alias}.date_earliest IS NOT NULL OR {alias}.date_latest IS NOT NULL)")
    if search.date_from is not None:
        where.append(
            f"({alias}.date_latest IS NULL OR {alias}.date_latest >= %s)"
            if indexable
            else f"coalesce({alias}.date_latest, '{datetime.date.max}') >= %s"
        )
        params.append(search.date_from)
    if search.date_to is not None:
        where.append(
            f"({alias}.date_earliest IS NULL OR {alias}.date_earliest <= %s)"
            if indexable
            else f"coalesce({alias}.date_earliest, '{datetime.date.min}') <= %s"
        )
        params.append(search.date_to)
    return where, params


def date_order(sort: str, alias: str = "e", *, dated_only: bool = False) -> str:
    """Undated documents last, in either direction. ``dated_only``: for rows known to
    be dated, an order the date index gives (so a LIMIT stops the scan early)."""
    direction = "DESC" if sort.startswith("-") else "ASC"
    order = f"{alias}.date_earliest {direction}, {alias}.document_id {direction}"
    return order if dated_only else f"{alias}.date_earliest IS NULL, {order}"
