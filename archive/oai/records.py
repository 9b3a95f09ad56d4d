"""What OAI-PMH harvesters see: published documents as records, withdrawn ones as deleted
records, active collections as sets, read in pages ordered by (datestamp, id).

Pages are keyset-paginated on the `document_metadata_changed` index, so page 1,000 of a
harvest costs what page 1 does and the server holds one page at a time.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from archive.models import Agent, Collection, Document, Language, Place, Topic

HARVESTABLE = (Document.Status.PUBLISHED, Document.Status.WITHDRAWN)


@dataclass(frozen=True)
class Cursor:
    """The last record a page ended on."""

    datestamp: datetime.datetime
    id: int


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    collection_id: int


class SetTree:
    """Active collections as sets; a sub-collection's spec is its parent's plus its slug
    ("sino-soviet-relations:sino-soviet-split"). Read in one query."""

    def __init__(self) -> None:
        rows = Collection.objects.order_by("pk").values_list(
            "pk", "slug", "parent_id", "title", "active"
        )
        self._rows = {pk: (slug, parent, title, active) for pk, slug, parent, title, active in rows}
        self._specs: dict[int, str] = {}

    def spec(self, collection_id: int) -> str:
        if collection_id not in self._specs:
            slugs, seen, current = [], set(), collection_id
            while current is not None and current not in seen and current in self._rows:
                seen.add(current)
                slugs.append(self._rows[current][0])
                current = self._rows[current][1]
            self._specs[collection_id] = ":".join(reversed(slugs))
        return self._specs[collection_id]

    def sets(self) -> list[OaiSet]:
        found = [
            OaiSet(spec=self.spec(pk), name=title, collection_id=pk)
            for pk, (_slug, _parent, title, active) in self._rows.items()
            if active
        ]
        return sorted(found, key=lambda s: s.spec)

    def specs_of(self, collection_ids) -> list[str]:
        """The specs of a record's sets: its active collections."""
        return sorted(self.spec(pk) for pk in collection_ids if self._is_active(pk))

    def members(self, spec: str) -> list[int] | None:
        """The active collections a set holds (itself and those inside it), or None when
        no set has this spec."""
        sets = self.sets()
        if not any(s.spec == spec for s in sets):
            return None
        return [s.collection_id for s in sets if s.spec == spec or s.spec.startswith(spec + ":")]

    def _is_active(self, collection_id: int) -> bool:
        row = self._rows.get(collection_id)
        return bool(row and row[3])


def harvestable_documents() -> QuerySet[Document]:
    return Document.objects.filter(status__in=HARVESTABLE)


def selected_documents(
    *,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    collection_ids: list[int] | None,
) -> QuerySet[Document]:
    """The records a selective harvest asks for: `start` inclusive, `end` exclusive."""
    documents = harvestable_documents()
    if start is not None:
        documents = documents.filter(metadata_changed_at__gte=start)
    if end is not None:
        documents = documents.filter(metadata_changed_at__lt=end)
    if collection_ids is not None:
        through = Document.collections.through.objects.filter(collection_id__in=collection_ids)
        documents = documents.filter(pk__in=through.values("document_id"))
    return documents


def records_page(
    documents: QuerySet[Document], *, after: Cursor | None, size: int, with_metadata: bool
) -> list[Document]:
    """Up to `size` + 1 records after the cursor (the extra one says whether more follow),
    with what their headers and, if asked, their oai_dc metadata show."""
    if after is not None:
        # ">= datestamp" lets the index find the start; the exclude skips what was sent.
        documents = documents.filter(metadata_changed_at__gte=after.datestamp).exclude(
            metadata_changed_at=after.datestamp, id__lte=after.id
        )
    documents = documents.order_by("metadata_changed_at", "id")
    collections = Prefetch("collections", queryset=Collection.objects.only("id"))
    if not with_metadata:
        fields = ("id", "record_id", "status", "metadata_changed_at")
        return list(documents.only(*fields).prefetch_related(collections)[: size + 1])
    documents = documents.select_related(
        "document_type", "rights_statement", "provenance__repository"
    ).prefetch_related(
        collections,
        Prefetch("places", queryset=Place.objects.only("name")),
        Prefetch("topics", queryset=Topic.objects.only("name")),
        Prefetch("creators", queryset=Agent.objects.only("name")),
        Prefetch("original_languages", queryset=Language.objects.only("code")),
    )
    return list(documents[: size + 1])


def earliest_datestamp() -> datetime.datetime | None:
    stamps = harvestable_documents().order_by("metadata_changed_at")
    return stamps.values_list("metadata_changed_at", flat=True).first()
