"""SQL the two backends share: the per-document pieces of an index row.

Each function takes the vendor's aggregate (``group_concat``/``string_agg``) and
returns an expression correlated with the outer ``archive_document d``.
"""

import datetime
from dataclasses import dataclass, replace

from archive.models import Document, Translation
from archive.models.base import HasVariantNames
from archive.search.facets import DECLASSIFIED_YEAR_PREFIX, FACETS

# What a reader may know a document by besides its words: the names of these (with their
# variant names), and its archival reference.
NAMED = ("creators", "recipients", "places", "topics", "translations__approved_translators")


def _agg(vendor: str, expr: str, sep: str = "' '") -> str:
    return f"group_concat({expr}, {sep})" if vendor == "sqlite" else f"string_agg({expr}, {sep})"


def _sub(vendor: str, expr: str, rest: str) -> str:
    return f"coalesce((SELECT {_agg(vendor, expr)} {rest}), '')"


def _year(vendor: str, column: str) -> str:
    # SQLite keeps dates as "YYYY-MM-DD" text (and "%" would clash with query parameters).
    return f"substr({column}, 1, 4)" if vendor == "sqlite" else f"to_char({column}, 'YYYY')"


def _links(path: str) -> tuple[str, str, str, type]:
    """How document d reaches what ``path`` names ("places", "provenance__repository",
    "translations__approved_translators"), read from the models' metadata: FROM, WHERE,
    the SQL of the linked id, and the linked model. Translations count once approved."""
    first, _, rest = path.partition("__")
    field = Document._meta.get_field(first)
    if not rest:  # the document's own many-to-many link
        through = field.remote_field.through._meta.db_table
        where, linked = f"x.{field.m2m_column_name()} = d.id", f"x.{field.m2m_reverse_name()}"
        return f"FROM {through} x", where, linked, field.related_model
    child = field.related_model
    target = child._meta.get_field(rest)
    source, where = f"FROM {child._meta.db_table} x", "x.document_id = d.id"
    if child is Translation:
        where += " AND x.approved_body <> ''"
    if not target.many_to_many:
        return source, where, f"x.{target.column}", target.related_model
    through = target.remote_field.through._meta.db_table
    source += f" JOIN {through} tt ON tt.{target.m2m_column_name()} = x.id"
    return source, where, f"tt.{target.m2m_reverse_name()}", target.related_model


def _keys(vendor: str, facet) -> str:
    """Keys of a facet for document d; a place's are written for it and every place it
    is inside."""
    field = Document._meta.get_field(facet.field.split("__")[0])
    if field.many_to_one:  # the document's own foreign key
        return f"coalesce('{facet.prefix}' || d.{field.column}, '')"
    source, where, linked, _model = _links(facet.field)
    if facet.param != "place":
        return _sub(vendor, f"'{facet.prefix}' || {linked}", f"{source} WHERE {where}")
    trim = "trim" if vendor == "sqlite" else "btrim"
    path = f"replace({trim}(t.tree_path, '/'), '/', ' {facet.prefix}')"
    joined = f"{source} JOIN archive_place t ON t.id = {linked} WHERE {where}"
    return _sub(vendor, f"'{facet.prefix}' || {path}", joined)


def facet_keys_sql(vendor: str) -> str:
    """Space-separated facet keys of document d (may repeat; the caller removes repeats),
    and the years it was declassified in (for the declassification date filter)."""
    declassified_year = _sub(
        vendor,
        f"'{DECLASSIFIED_YEAR_PREFIX}' || {_year(vendor, 'x.declassified_on')}",
        "FROM archive_provenance x WHERE x.document_id = d.id AND x.declassified_on IS NOT NULL",
    )
    return " || ' ' || ".join([*(_keys(vendor, facet) for facet in FACETS), declassified_year])


def _named(alias: str) -> str:
    """An authority's name and its variant names (one a line), as one text."""
    return f"{alias}.name || ' ' || {alias}.variant_names"


def names_sql(vendor: str) -> str:
    """Names of d's creators, recipients, places, topics, approved translators and
    repository, and its archival reference."""
    parts = []
    for path in NAMED:
        source, where, linked, model = _links(path)
        name = _named("t") if issubclass(model, HasVariantNames) else "t.name"
        joined = f"{source} JOIN {model._meta.db_table} t ON t.id = {linked} WHERE {where}"
        parts.append(_sub(vendor, name, joined))
    parts.append(
        _sub(
            vendor,
            f"x.archival_reference || ' ' || coalesce({_named('r')}, '')",
            "FROM archive_provenance x LEFT JOIN archive_repository r ON r.id = x.repository_id "
            "WHERE x.document_id = d.id",
        )
    )
    return " || ' ' || ".join(parts)


@dataclass(frozen=True)
class Select:
    """A SELECT built up from parts, each with its own parameters, so a statement is
    extended by adding parts, never by editing SQL text.

    ``checks`` are written after ``conditions``: of conditions equally cheap to the
    planner, PostgreSQL checks them in the order written, and a check (reading a
    row's tsvector or an FTS5 match) is the costly kind. ``ids``: the column of the
    document id the source reads first (FTS5 orders and seeks by its rowid).
    """

    source: str
    source_params: tuple = ()
    conditions: tuple[tuple[str, tuple], ...] = ()
    checks: tuple[tuple[str, tuple], ...] = ()
    ids: str = "e.document_id"

    def join(self, sql: str, *params) -> "Select":
        return replace(
            self, source=f"{self.source}{sql}", source_params=(*self.source_params, *params)
        )

    def where(self, sql: str | None, *params) -> "Select":
        if not sql:
            return self
        return replace(self, conditions=(*self.conditions, (sql, params)))

    def check(self, sql: str, *params) -> "Select":
        return replace(self, checks=(*self.checks, (sql, params)))

    def sql(self, columns: str, tail: str = "", *tail_params, column_params=()) -> tuple[str, list]:
        parts = (*self.conditions, *self.checks)
        where = " WHERE " + " AND ".join(sql for sql, _ in parts) if parts else ""
        params = [*column_params, *self.source_params, *(p for _, ps in parts for p in ps)]
        return f"SELECT {columns} FROM {self.source}{where}{tail}", [*params, *tail_params]

    def count(self, at_most: int | None = None) -> tuple[str, list]:
        """Counting the rows, stopping at ``at_most`` if given."""
        if at_most is None:
            return self.sql("count(*)")
        statement, params = self.sql("1", " LIMIT %s", at_most)
        return f"SELECT count(*) FROM ({statement}) capped", params


def date_conditions(search, *, indexable: bool = True) -> tuple[str | None, list]:
    """Overlap of the document's [earliest, latest] with the searched range (None
    without one), with its params.

    An open end (a date such as "../1950") reaches indefinitely; undated documents
    never match a date filter. ``indexable=False`` writes an open end as the farthest
    date instead of "IS NULL OR", which no date index answers: for a search whose
    words an index finds, checking the dates of those rows beats intersecting them
    with the half of the archive dated before (or after) a bound.
    """
    if search.date_from is None and search.date_to is None:
        return None, []
    where, params = ["(e.date_earliest IS NOT NULL OR e.date_latest IS NOT NULL)"], []
    for bound, column, op, farthest in (
        (search.date_from, "e.date_latest", ">=", datetime.date.max),
        (search.date_to, "e.date_earliest", "<=", datetime.date.min),
    ):
        if bound is not None:
            where.append(
                f"({column} IS NULL OR {column} {op} %s)"
                if indexable
                else f"coalesce({column}, '{farthest}') {op} %s"
            )
            params.append(bound)
    return " AND ".join(where), params


def date_order(sort: str, *, dated_only: bool = False) -> str:
    """Undated documents last, in either direction. ``dated_only``: for rows known to
    be dated, an order the date index gives (so a LIMIT stops the scan early)."""
    direction = "DESC" if sort.startswith("-") else "ASC"
    order = f"e.date_earliest {direction}, e.document_id {direction}"
    return order if dated_only else f"e.date_earliest IS NULL, {order}"


def boundary(column: str, size: int, *, descending: bool, farthest=None) -> tuple[str, list]:
    """SQL for the value of ``column`` at rank ``size`` in that order; with fewer rows,
    ``farthest`` (NULL if not given)."""
    sql = (
        f"(SELECT {column} FROM archive_searchentry WHERE {column} IS NOT NULL "
        f"ORDER BY {column} {'DESC' if descending else 'ASC'} LIMIT 1 OFFSET %s)"
    )
    if farthest is None:
        return sql, [size - 1]
    return f"coalesce({sql}, %s)", [size - 1, farthest]
