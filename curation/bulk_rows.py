"""Plain multi-row INSERTs for the import's bulk writes.

An import of N documents writes about 30·N rows (relation links, history rows and the
history of those links). Building a model instance per row costs more than the
database does, so these rows go in as tuples: one `INSERT … VALUES (…), (…)` per
batch, with `RETURNING` where the new ids are needed (SQLite ≥ 3.35 and PostgreSQL).
Values are prepared by each field's `get_db_prep_save` where a conversion matters.
"""

from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace

from django.db import connection, models

UNNEST_BATCH = 5_000
MAX_PARAMS = 3_000  # well under SQLite's 32,766 bound parameters; big statements cost memory
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def preparers(model: type[models.Model], columns: Sequence[str]) -> list[Callable | None]:
    """Per column, the conversion its value needs before the driver gets it (or None).

    Dates and times repeat a lot within one import (its timestamp, common dates), so
    each column remembers the values it has converted.
    """
    found = []
    for attname in columns:
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        if field.get_internal_type() in PLAIN_TYPES:
            found.append(None)
        else:
            found.append(_memoized(field))
    return found


def _memoized(field: models.Field) -> Callable:
    converted: dict = {}

    def prepare(value):
        try:
            return converted[value]
        except KeyError:
            result = converted[value] = field.get_db_prep_save(value, connection)
            return result
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, connection)

    return prepare


def _stamp(model: type[models.Model], objs: Sequence[models.Model], *, add: bool) -> list[str]:
    """Set `auto_now` (and on insert `auto_now_add`) fields as save() would; their attnames.

    The concurrency guard compares `updated_at`, so a bulk write must move it too.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or (add and getattr(f, "auto_now_add", False))
    ]
    if objs:
        for field in fields:
            # One instant for the whole write (as one save() would have), so the value is
            # converted for the database once, not once per row.
            now = field.pre_save(objs[0], add)
            for obj in objs[1:]:
                setattr(obj, field.attname, now)
    return [f.attname for f in fields]


def insert_objects(model: type[models.Model], objs: Sequence) -> None:
    """Insert unsaved instances or `new_row`s and set their primary keys (no save(), no
    signals)."""
    pk = model._meta.pk.attname
    _stamp(model, objs, add=True)
    columns = [f.attname for f in model._meta.concrete_fields if f.attname != pk]
    rows = [tuple(getattr(obj, c) for c in columns) for obj in objs]
    for obj, (new_pk,) in zip(
        objs, insert_rows(model, columns, rows, returning=[pk], prepare=True), strict=True
    ):
        setattr(obj, pk, new_pk)
        if not isinstance(obj, models.Model):
            obj.pk = new_pk


def new_row(model: type[models.Model], **values) -> "Stored":
    """A row to insert with `insert_objects`: each field's default, then `values`.

    What a model instance would hold, without Model.__init__ (its signals and a
    descriptor per field cost more than the insert at import sizes).
    """
    try:
        fixed, computed = _defaults[model]
    except KeyError:
        fixed, computed = {}, []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                computed.append(field)
            else:
                fixed[field.attname] = field.get_default()
        _defaults[model] = fixed, computed
    row = Stored(**fixed, pk=None)
    for field in computed:
        setattr(row, field.attname, field.get_default())
    row.__dict__.update(values)
    return row


_defaults: dict[type, tuple[dict, list]] = {}


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    returning: Sequence[str] = (),
    prepare: bool = False,
) -> list[tuple]:
    """Insert `rows` (tuples in `columns` order, attnames); return the `returning` columns."""
    rows = list(rows)
    if not rows:
        return []
    opts = model._meta
    quote = connection.ops.quote_name
    by_attname = {f.attname: f.column for f in opts.concrete_fields}
    column_sql = ", ".join(quote(by_attname[c]) for c in columns)
    returning_sql = (
        " RETURNING " + ", ".join(quote(by_attname[c]) for c in returning) if returning else ""
    )
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch = max(1, MAX_PARAMS // len(columns))
    convert = preparers(model, columns) if prepare else []
    if convert and not any(convert):
        convert = []
    returned: list[tuple] = []
    if connection.vendor == "postgresql":
        return _insert_unnest(model, columns, rows, convert, returning_sql)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params: list = []
            for row in chunk:
                if convert:
                    params.extend(c(v) if c else v for c, v in zip(convert, row, strict=True))
                else:
                    params.extend(row)
            sql = (
                f"INSERT INTO {quote(opts.db_table)} ({column_sql}) VALUES "
                + ", ".join([placeholder] * len(chunk))
                + returning_sql
            )
            cursor.execute(sql, params)
            if returning:
                returned.extend(tuple(r) for r in cursor.fetchall())
    return returned


def _insert_unnest(model, columns, rows, convert, returning_sql) -> list[tuple]:
    """PostgreSQL: one array per column, unnested (a statement with thousands of
    placeholders costs psycopg more to prepare than the server to run)."""
    opts = model._meta
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in opts.concrete_fields}
    column_sql = ", ".join(quote(fields[c].column) for c in columns)
    arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({column_sql}) "
        f"SELECT * FROM unnest({arrays}){returning_sql}"
    )
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UNNEST_BATCH):
            chunk = rows[start : start + UNNEST_BATCH]
            params = [list(values) for values in zip(*chunk, strict=True)]
            if convert:
                params = [
                    [c(v) for v in values] if c else values
                    for c, values in zip(convert, params, strict=True)
                ]
            cursor.execute(sql, params)
            if returning_sql:
                returned.extend(tuple(r) for r in cursor.fetchall())
    return returned


def update_objects(model: type[models.Model], objs: Sequence[models.Model], fields) -> None:
    """Write `fields` of saved instances: one prepared UPDATE run for all of them.

    QuerySet.bulk_update builds a CASE expression per field and object, which costs
    more than the database's work by far at import sizes.
    """
    if not objs:
        return
    opts = model._meta
    pk = opts.pk
    stamped = _stamp(model, objs, add=False)
    columns = list(dict.fromkeys([opts.get_field(name).attname for name in fields] + stamped))
    by_attname = {f.attname: f.column for f in opts.concrete_fields}
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(by_attname[c])} = %s" for c in columns)
    sql = f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    convert = preparers(model, columns)
    params = [
        [
            c(getattr(obj, a)) if c else getattr(obj, a)
            for c, a in zip(convert, columns, strict=True)
        ]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def select_in(
    model: type[models.Model], columns: Sequence[str], key: str, values: Sequence[int]
) -> list[tuple]:
    """`columns` (attnames, of plain types) of the rows whose `key` is one of `values`.

    For the import's reads of what it compares with: the ORM prepares each of a
    thousand ids of an `__in` lookup one by one, costing more than the query.
    """
    if not values:
        return []
    opts = model._meta
    quote = connection.ops.quote_name
    by_attname = {f.attname: f.column for f in opts.concrete_fields}
    column_sql = ", ".join(quote(by_attname[c]) for c in columns)
    table = quote(opts.db_table)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {column_sql} FROM {table} WHERE {quote(by_attname[key])} = ANY(%s)",
                [list(values)],
            )
            return [tuple(r) for r in cursor.fetchall()]
        for start in range(0, len(values), MAX_PARAMS):
            chunk = list(values[start : start + MAX_PARAMS])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {column_sql} FROM {table} WHERE {quote(by_attname[key])} IN ({marks})",
                chunk,
            )
            found.extend(tuple(r) for r in cursor.fetchall())
    return found


def delete_in(model: type[models.Model], key: str, values: Sequence[int]) -> None:
    """Delete the rows whose `key` (an attname) is one of `values` (plain rows with no
    signals or cascades: relation links)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(key).column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if values:
                cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [list(values)])
            return
        for start in range(0, len(values), MAX_PARAMS):
            chunk = list(values[start : start + MAX_PARAMS])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)


class Stored(SimpleNamespace):
    """A stored row to update: its primary key and the fields to write, without loading
    the rest (`update_objects` writes only those; history copies the row in the database)."""
