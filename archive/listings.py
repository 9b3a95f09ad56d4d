"""Keeping the listings and their counts (archive/models/listings.py) true to the records.

`refresh_listings(ids)` recomputes what these documents are listed under from the records
(one UNION query), compares it with their stored listings, writes the difference, and
moves each name's count by what joined or left: a save, a publication or a new topic
costs a few statements, whatever the size of the archive. Model signals call it in the
change's own transaction (`archive.listing_signals`); bulk loads that bypass signals
(the CSV import, the generator) call it, or `rebuild_listings()`, afterwards.
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from archive.models import Document, Place, Provenance, Translation
from archive.models.listings import Listing, ListingCount, ListingKind
from archive.pause import Pause

PUBLISHED = Document.Status.PUBLISHED
# Ids per statement: each is bound once per relation, 8 times (SQLite allows 32,766).
BATCH = 2000

# Per-change listing refreshes are skipped inside `with updates_paused():`.
updates_paused = Pause("listings_paused")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _through(model, field: str) -> str:
    return _table(getattr(model, field).through)


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y', {column}) AS integer)"


def _listed_sql(ids: list[int] | None = None) -> tuple[str, list]:
    """(document, kind, key, date_earliest, record_id) of every listing published documents
    should have, and its parameters: for the documents `ids`, or for all. Each relation is
    filtered by its own document index: a filter outside the UNION read every relation of
    the archive."""
    kind = ListingKind
    parts = [  # (SELECT … FROM …, the document column, the conditions)
        (
            f"SELECT document_id, {kind.COLLECTION} AS kind, collection_id AS key "
            f"FROM {_through(Document, 'collections')}",
            "document_id",
            [],
        ),
        (
            f"SELECT document_id, {kind.TOPIC}, topic_id FROM {_through(Document, 'topics')}",
            "document_id",
            [],
        ),
        (
            f"SELECT document_id, {kind.FUNDER}, funder_id FROM {_through(Document, 'funders')}",
            "document_id",
            [],
        ),
        # A place and every place it is inside (its tree path's prefixes), once each.
        (
            f"SELECT DISTINCT dp.document_id, {kind.PLACE}, a.id "
            f"FROM {_through(Document, 'places')} dp "
            f"JOIN {_table(Place)} p ON p.id = dp.place_id "
            f"JOIN {_table(Place)} a ON p.tree_path LIKE a.tree_path || '%%'",
            "dp.document_id",
            [],
        ),
        (
            f"SELECT DISTINCT t.document_id, {kind.TRANSLATOR}, at.translator_id "
            f"FROM {_table(Translation)} t "
            f"JOIN {_through(Translation, 'approved_translators')} at ON at.translation_id = t.id",
            "t.document_id",
            ["t.approved_body <> ''"],
        ),
        (
            f"SELECT document_id, {kind.REPOSITORY}, repository_id FROM {_table(Provenance)}",
            "document_id",
            ["repository_id IS NOT NULL"],
        ),
        (
            f"SELECT document_id, {kind.DECLASSIFIER}, declassified_by_id "
            f"FROM {_table(Provenance)}",
            "document_id",
            ["declassified_by_id IS NOT NULL"],
        ),
        (
            f"SELECT id, {kind.YEAR}, {_year('date_earliest')} FROM {_table(Document)}",
            "id",
            ["date_earliest IS NOT NULL"],
        ),
    ]
    selects, params = [], []
    for select, document, conditions in parts:
        if ids is not None:
            conditions = [*conditions, f"{document} IN ({', '.join(['%s'] * len(ids))})"]
            params.extend(ids)
        selects.append(select + (" WHERE " + " AND ".join(conditions) if conditions else ""))
    sql = (
        "SELECT l.document_id, l.kind, l.key, d.date_earliest, d.record_id "
        f"FROM ({' UNION ALL '.join(selects)}) l JOIN {_table(Document)} d "
        "ON d.id = l.document_id WHERE d.status = %s"
    )
    return sql, [*params, PUBLISHED]


def refresh_listings(document_ids: Iterable[int]) -> None:
    """Bring these documents' listings and the counts of the names they are (or were)
    listed under up to date; deleted documents lose theirs."""
    if updates_paused.active:
        return
    ids = sorted({int(i) for i in document_ids if i is not None})
    for start in range(0, len(ids), BATCH):
        _refresh(ids[start : start + BATCH])


def _refresh(ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # Only published documents are listed: drafts (an import's, say) cost one lookup.
        published = list(
            Document.objects.filter(pk__in=ids, status=PUBLISHED).values_list("pk", flat=True)
        )
        wanted = {}
        if published:
            cursor.execute(*_listed_sql(published))
            wanted = {
                (doc, kind, key): (_date(date), record) for doc, kind, key, date, record in cursor
            }
        stored = {
            (row.document_id, row.kind, row.key): row
            for row in Listing.objects.filter(document_id__in=ids)
        }
        gone = [
            row.pk
            for name, row in stored.items()
            if wanted.get(name) != (row.date_earliest, row.record_id)
        ]
        new = [
            Listing(document_id=doc, kind=kind, key=key, date_earliest=date, record_id=record)
            for (doc, kind, key), (date, record) in wanted.items()
            if (doc, kind, key) not in stored or stored[doc, kind, key].pk in gone
        ]
        if gone:
            Listing.objects.filter(pk__in=gone).delete()
        if new:
            Listing.objects.bulk_create(new)
        moved = Counter((kind, key) for _doc, kind, key in wanted.keys() - stored.keys())
        moved.subtract((kind, key) for _doc, kind, key in stored.keys() - wanted.keys())
        # Every name these documents are listed under changed its page (a title, a date).
        touched = {(kind, key) for _doc, kind, key in wanted.keys() | stored.keys()}
        _add_to_counts({name: moved[name] for name in touched})


def _date(value: datetime.date | str | None) -> datetime.date | None:
    # SQLite gives a date read through a subquery as text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _add_to_counts(changes: dict[tuple[int, int], int]) -> None:
    """Add each change to its name's count (creating the count), stamping it changed now."""
    if not changes:
        return
    qn = connection.ops.quote_name
    table = _table(ListingCount)
    now = timezone.now()
    rows = sorted(changes.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({qn('kind')}, {qn('key')}, {qn('count')}, "
                f"{qn('changed_at')}) VALUES {values} "
                f"ON CONFLICT ({qn('kind')}, {qn('key')}) DO UPDATE SET "
                f"{qn('count')} = {table}.{qn('count')} + excluded.{qn('count')}, "
                f"{qn('changed_at')} = excluded.{qn('changed_at')}",
                [value for (kind, key), n in chunk for value in (kind, key, n, now)],
            )


def rebuild_listings() -> int:
    """Every listing and count recomputed from the records, in set-based statements (after
    a bulk load or restore); returns the number of listings."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("document_id", "kind", "key", "date_earliest"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(Listing)}")
        cursor.execute(f"DELETE FROM {_table(ListingCount)}")
        listed, params = _listed_sql()
        cursor.execute(
            f"INSERT INTO {_table(Listing)} ({columns}, {qn('record_id')}) " + listed, params
        )
        cursor.execute(
            f"INSERT INTO {_table(ListingCount)} "
            f"({qn('kind')}, {qn('key')}, {qn('count')}, {qn('changed_at')}) "
            f"SELECT {qn('kind')}, {qn('key')}, COUNT(*), %s FROM {_table(Listing)} "
            f"GROUP BY {qn('kind')}, {qn('key')}",
            [timezone.now()],
        )
        return Listing.objects.count()
