"""Reads for the public pages, with their joins in one place.

Every reader-facing query starts from `published_documents()` or `active_collections()`,
or from the listings (archive/listings.py), which hold published documents only, so
drafts, withdrawn documents and inactive collections never reach a page, a count or a
related list. Each page's reads are pinned by query-count tests (tests/archive/
test_public_queries.py): a handful of queries however many records a page lists.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection, connections, router
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from archive.models import (
    Agent,
    Collection,
    Document,
    Funder,
    Language,
    ListingCount,
    ListingKind,
    Place,
    Repository,
    Scan,
    Topic,
    Transcript,
    Translation,
    TranslationVersion,
    Translator,
)
from archive.richtext import redaction_count

PUBLISHED = Document.Status.PUBLISHED
BY_DATE = ("date_earliest", "record_id")
NEWEST_FIRST = ("-date_earliest", "-record_id")


def published_documents() -> QuerySet[Document]:
    return Document.objects.published()


def active_collections() -> QuerySet[Collection]:
    return Collection.objects.active()


def documents_for_list(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Only the columns a list of documents shows (date, title, summary, link), and the
    sort date (a UNION can order only by a selected column)."""
    fields = ("record_id", "slug", "title", "summary", "date_display", "date_earliest")
    return documents.only(*fields)


# The document page --------------------------------------------------------------------------


@dataclass
class DocumentRecord:
    """A document with everything its page, citation and metadata show, read in a fixed
    number of queries. Lists hold unsaved model instances with just the shown fields."""

    document: Document
    translations: list[Translation]
    transcripts: list[Transcript]
    scans: list[Scan]
    collections: list[Collection]
    places: list[Place] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    funders: list[Funder] = field(default_factory=list)
    creators: list[Agent] = field(default_factory=list)
    recipients: list[Agent] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    related: list[Document] = field(default_factory=list)
    attachments: list[Document] = field(default_factory=list)
    attached_to: list[Document] = field(default_factory=list)

    @property
    def provenance(self):
        return getattr(self.document, "provenance", None)

    @property
    def last_modified(self) -> datetime.datetime:
        stamps = [self.document.updated_at, self.document.text_changed_at]
        return max(stamp for stamp in stamps if stamp is not None)

    @property
    def redactions(self) -> list[tuple[str, int]]:
        """(text, how many redactions it marks) for each text readers see that has any."""
        texts = [(f"{t.language.name} transcript", t.body) for t in self.transcripts]
        texts += [(f"{t.language.name} translation", t.approved_body) for t in self.translations]
        counted = ((label, redaction_count(body)) for label, body in texts)
        return [(label, count) for label, count in counted if count]

    @property
    def redaction_total(self) -> int:
        return sum(count for _label, count in self.redactions)

    @property
    def pdf_scans(self) -> list[Scan]:
        return [scan for scan in self.scans if not scan.is_image]


def document_record(record_id: int, *, any_status: bool = False) -> DocumentRecord | None:
    """The published (or withdrawn, for its tombstone) document with this record ID; with
    ``any_status``, a draft too, for the staff preview of the page."""
    statuses = Document.Status.values if any_status else [PUBLISHED, Document.Status.WITHDRAWN]
    document = (
        Document.objects.filter(record_id=record_id, status__in=statuses)
        .select_related(
            "document_type",
            "classification",
            "rights_statement",
            "provenance__repository",
            "provenance__declassified_by",
        )
        .annotate(text_changed_at=_latest_text_change())
        .prefetch_related(
            "scans",
            Prefetch("transcripts", queryset=Transcript.objects.select_related("language")),
            Prefetch(
                "translations",
                queryset=Translation.objects.public()
                .select_related("language")
                .prefetch_related(
                    Prefetch(
                        "approved_translators", queryset=Translator.objects.only("name", "slug")
                    ),
                    # The version history: numbers and dates only, texts stay on their pages.
                    Prefetch(
                        "versions",
                        queryset=TranslationVersion.objects.current()
                        .select_related("language")
                        .only(
                            "translation_id",
                            "number",
                            "approved_at",
                            "credit",
                            "language__code",
                            "language__name",
                        )
                        .order_by("number"),
                        to_attr="public_versions",
                    ),
                ),
                to_attr="public_translations",
            ),
            Prefetch("collections", queryset=active_collections().only("title", "slug")),
        )
        .first()
    )
    if document is None:
        return None
    record = DocumentRecord(
        document=document,
        translations=document.public_translations,
        transcripts=list(document.transcripts.all()),
        scans=list(document.scans.all()),
        collections=list(document.collections.all()),
    )
    _add_terms(record)
    _add_related(record)
    return record


def _latest_text_change():
    """When the text readers see last changed: an approval or a transcript edit."""
    approved = (
        Translation.objects.public()
        .filter(document=OuterRef("pk"))
        .order_by("-approved_at")
        .values("approved_at")[:1]
    )
    transcribed = (
        Transcript.objects.filter(document=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return Coalesce(Subquery(approved), Subquery(transcribed))


# (kind, the document's many-to-many field, column used as the slug, two extra columns)
# for `_add_terms`.
_TERMS = (
    ("places", "places", "slug", None, None),
    ("topics", "topics", "slug", None, None),
    ("funders", "funders", "slug", "credit_line", "url"),
    ("creators", "creators", "slug", "kind", None),
    ("recipients", "recipients", "slug", "kind", None),
    ("languages", "original_languages", "code", None, None),
)


@functools.cache
def _terms_sql(vendor: str) -> str:
    """The UNION of `_add_terms`, written once per process: built by the ORM on every
    request it cost more than running it (a third of the page's time at 100k)."""
    qn = connection.ops.quote_name
    parts = []
    for kind, relation, key, first, second in _TERMS:
        field = Document._meta.get_field(relation)
        through = qn(field.remote_field.through._meta.db_table)
        extras = ", ".join(f"t.{qn(column)}" if column else "''" for column in (first, second))
        parts.append(
            f"SELECT '{kind}', t.{qn('name')}, t.{qn(key)}, {extras} "
            f"FROM {qn(field.related_model._meta.db_table)} t JOIN {through} r "
            f"ON r.{qn(field.m2m_reverse_name())} = t.{qn('id')} "
            f"WHERE r.{qn(field.m2m_column_name())} = %s"
        )
    return " UNION ALL ".join(parts)


def _reading_connection():
    """Where the page's own SQL reads, as its ORM reads do: a replica when the router
    names one."""
    return connections[router.db_for_read(Document)]


def _add_terms(record: DocumentRecord) -> None:
    """Places, topics, funders, creators, recipients and original languages in one query.

    Six many-to-many prefetches would cost six queries; a UNION of (kind, name, key,
    extra, extra) rows keeps the page within its budget however many of each it has.
    """
    with _reading_connection().cursor() as cursor:
        cursor.execute(_terms_sql(connection.vendor), [record.document.pk] * len(_TERMS))
        rows = cursor.fetchall()
    for kind, name, key, first, second in sorted(rows, key=lambda row: (row[0], row[1])):
        getattr(record, kind).append(_term(kind, name, key, first, second))


def _term(kind: str, name: str, key: str, first: str, second: str):
    if kind == "places":
        return Place(name=name, slug=key)
    if kind == "topics":
        return Topic(name=name, slug=key)
    if kind == "funders":
        return Funder(name=name, slug=key, credit_line=first, url=second)
    if kind == "languages":
        return Language(name=name, code=key)
    return Agent(name=name, slug=key, kind=first)


# The columns of a related document `_add_related` reads, in its SELECT's order.
_RELATED_FIELDS = ("id", "record_id", "slug", "title", "summary", "date_display", "date_earliest")


@functools.cache
def _related_sql(vendor: str) -> str:
    """Related documents (both directions are stored), attachments and the documents this
    one is enclosed in: each found by the relation's index, then by the document's key."""
    qn = connection.ops.quote_name
    related = qn(Document.related_documents.through._meta.db_table)
    attachments = qn(Document.attachments.through._meta.db_table)
    columns = ", ".join(f"d.{qn(column)}" for column in _RELATED_FIELDS)
    return (
        f"SELECT {columns}, r.relation FROM ("
        f"SELECT from_document_id AS document_id, 'related' AS relation FROM {related} "
        "WHERE to_document_id = %s "
        f"UNION ALL SELECT to_document_id, 'attachments' FROM {attachments} "
        "WHERE from_document_id = %s "
        f"UNION ALL SELECT from_document_id, 'attached_to' FROM {attachments} "
        "WHERE to_document_id = %s"
        f") r JOIN {qn(Document._meta.db_table)} d ON d.{qn('id')} = r.document_id "
        f"WHERE d.{qn('status')} = %s ORDER BY d.{qn('date_earliest')}, d.{qn('record_id')}"
    )


def _add_related(record: DocumentRecord) -> None:
    """Related documents, attachments and the documents this one is enclosed in, in one
    query, published ones only, by date."""
    pk = record.document.pk
    with _reading_connection().cursor() as cursor:
        cursor.execute(_related_sql(connection.vendor), [pk, pk, pk, PUBLISHED])
        rows = cursor.fetchall()
    for *values, relation in rows:
        document = Document(**dict(zip(_RELATED_FIELDS, values, strict=True)))
        getattr(record, relation).append(document)


SCAN_FILE_FIELDS = ("file", "kind", "thumbnail", "web_image", "position", "document__record_id")


def scan_for_staff(
    *, record_id: int | None = None, position: int | None = None, pk: int | None = None
) -> Scan | None:
    """A scan of any document, drafts included, by its place in a document or by its id:
    for staff who may view scans (the caller checks the permission)."""
    scans = Scan.objects.select_related("document").only(*SCAN_FILE_FIELDS)
    if pk is not None:
        return scans.filter(pk=pk).first()
    return scans.filter(document__record_id=record_id, position=position).first()


def scan_for_reader(record_id: int, position: int) -> Scan | None:
    """A scan of a published document; drafts and withdrawn documents have none."""
    return (
        Scan.objects.filter(
            document__record_id=record_id, document__status=PUBLISHED, position=position
        )
        .select_related("document")
        .only(*SCAN_FILE_FIELDS)
        .first()
    )


# Lists ----------------------------------------------------------------------------------------


def recent_documents(limit: int = 10) -> QuerySet[Document]:
    return documents_for_list(published_documents()).order_by("-first_published_at", "-record_id")[
        :limit
    ]


def listed_count(kind: ListingKind, key: str = "pk") -> Coalesce:
    """The published documents listed under the name (archive/listings.py keeps the
    count), for `annotate()`: a lookup by key, however many documents it counts."""
    counted = ListingCount.objects.filter(kind=kind, key=OuterRef(key)).values("count")[:1]
    return Coalesce(Subquery(counted), 0)


def with_documents(names: QuerySet, kind: ListingKind) -> QuerySet:
    """The names with published documents listed under them, each with its count."""
    listed = ListingCount.objects.filter(kind=kind, count__gt=0).values("key")
    return names.filter(pk__in=listed).annotate(document_count=listed_count(kind))


def listed_documents(
    kind: ListingKind, key: int, *, newest_first: bool = False
) -> QuerySet[Document]:
    """Published documents listed under a name, by date: one range of the listings' index,
    read in its order (the listings hold published documents only, and their sort key)."""
    sign = "-" if newest_first else ""
    documents = Document.objects.filter(listings__kind=kind, listings__key=key)
    return documents_for_list(documents).order_by(
        f"{sign}listings__date_earliest", f"{sign}listings__record_id"
    )


def collections_with_counts() -> QuerySet[Collection]:
    return active_collections().annotate(document_count=listed_count(ListingKind.COLLECTION))


def collections_in_reading_order() -> QuerySet[Collection]:
    """Every active collection: top-level collections in the curator's order (position,
    then title), each followed by its sub-collections in theirs."""
    return collections_with_counts().order_by(
        Coalesce("parent__position", "position"),
        Coalesce("parent__title", "title"),
        Coalesce("parent_id", "id"),
        F("parent_id").asc(nulls_first=True),
        "position",
        "title",
        "id",
    )


def featured_collections() -> QuerySet[Collection]:
    return collections_with_counts().filter(featured=True)


def collection_for_page(slug: str) -> Collection | None:
    """The collection with its count and when its list of documents last changed."""
    listed = ListingCount.objects.filter(kind=ListingKind.COLLECTION, key=OuterRef("pk"))
    return (
        collections_with_counts()
        .filter(slug=slug)
        .select_related("parent")
        .annotate(documents_changed_at=Subquery(listed.values("changed_at")[:1]))
        .prefetch_related(
            Prefetch(
                "children",
                queryset=collections_with_counts().order_by("position", "title"),
                to_attr="active_children",
            ),
            Prefetch(
                "related_collections",
                queryset=collections_with_counts().order_by("title"),
                to_attr="active_related",
            ),
        )
        .first()
    )


def collection_documents(collection: Collection, *, newest_first: bool) -> QuerySet[Document]:
    return listed_documents(ListingKind.COLLECTION, collection.pk, newest_first=newest_first)


# Browse ---------------------------------------------------------------------------------------


def place_counts() -> dict[int, int]:
    """{place id: published documents of the place and the places inside it}."""
    counts = ListingCount.objects.filter(kind=ListingKind.PLACE, count__gt=0)
    return dict(counts.values_list("key", "count"))


def places_with_counts() -> QuerySet[Place]:
    """Places with published documents (in them or inside them), with counts."""
    return with_documents(Place.objects.select_related("parent"), ListingKind.PLACE)


def place_documents(place: Place) -> QuerySet[Document]:
    """Documents of the place and of every place inside it."""
    return listed_documents(ListingKind.PLACE, place.pk)


def place_ancestors(place: Place) -> list[Place]:
    ids = [int(part) for part in place.tree_path.strip("/").split("/") if part][:-1]
    by_id = Place.objects.in_bulk(ids) if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def topics_with_counts() -> QuerySet[Topic]:
    return with_documents(Topic.objects.all(), ListingKind.TOPIC)


def topic_documents(topic: Topic) -> QuerySet[Document]:
    return listed_documents(ListingKind.TOPIC, topic.pk)


def translators_with_counts() -> QuerySet[Translator]:
    """Translators of approved texts of published documents (one count per document)."""
    return with_documents(Translator.objects.all(), ListingKind.TRANSLATOR)


def translator_documents(translator: Translator) -> QuerySet[Document]:
    """Published documents with an approved translation by this translator."""
    return listed_documents(ListingKind.TRANSLATOR, translator.pk)


def funders_with_counts() -> QuerySet[Funder]:
    return with_documents(Funder.objects.all(), ListingKind.FUNDER)


def funder_documents(funder: Funder) -> QuerySet[Document]:
    return listed_documents(ListingKind.FUNDER, funder.pk)


def repositories_with_counts() -> QuerySet[Repository]:
    return with_documents(Repository.objects.all(), ListingKind.REPOSITORY)


def repository_documents(repository: Repository) -> QuerySet[Document]:
    return listed_documents(ListingKind.REPOSITORY, repository.pk)


def year_counts() -> list[dict]:
    """[{"year": 1950, "count": 3}, …]: published documents by the year they begin in."""
    counts = ListingCount.objects.filter(kind=ListingKind.YEAR, count__gt=0).order_by("key")
    return [{"year": year, "count": n} for year, n in counts.values_list("key", "count")]


def year_count(year: int) -> int:
    counted = ListingCount.objects.filter(kind=ListingKind.YEAR, key=year)
    return counted.values_list("count", flat=True).first() or 0


def year_documents(year: int) -> QuerySet[Document]:
    return listed_documents(ListingKind.YEAR, year)
