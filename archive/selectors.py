"""Reads for the public pages, with their joins in one place.

Every reader-facing query starts from `published_documents()` or `active_collections()`,
so drafts, withdrawn documents and inactive collections never reach a page, a count or a
related list. Each page's reads are pinned by query-count tests (tests/archive/
test_public_queries.py): a handful of queries however many records a page lists.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from archive.models import (
    Agent,
    Collection,
    Document,
    Funder,
    Language,
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


def _published_count(relation: str) -> Count:
    return Count(relation, filter=Q(**{f"{relation}__status": PUBLISHED}), distinct=True)


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


# (kind, model, column used as the slug, two extra columns) for `_add_terms`.
_TERMS = (
    ("places", Place, "documents", "slug", None, None),
    ("topics", Topic, "documents", "slug", None, None),
    ("funders", Funder, "documents", "slug", "credit_line", "url"),
    ("creators", Agent, "documents_created", "slug", "kind", None),
    ("recipients", Agent, "documents_received", "slug", "kind", None),
    ("languages", Language, "original_documents", "code", None, None),
)


def _add_terms(record: DocumentRecord) -> None:
    """Places, topics, funders, creators, recipients and original languages in one query.

    Six many-to-many prefetches would cost six queries; a UNION of (kind, name, key,
    extra, extra) rows keeps the page within its budget however many of each it has.
    """
    parts = []
    for kind, model, relation, key, first, second in _TERMS:
        columns = [Value(kind), "name", key]
        columns += [first or Value(""), second or Value("")]
        terms = model.objects.filter(**{relation: record.document}).order_by()
        parts.append(terms.values_list(*columns))
    rows = parts[0].union(*parts[1:], all=True)
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


def _add_related(record: DocumentRecord) -> None:
    """Related documents, attachments and the documents this one is enclosed in, in one
    query, published ones only."""
    document = record.document
    base = documents_for_list(published_documents()).order_by()
    rows = (
        base.filter(related_documents=document)
        .annotate(relation=Value("related"))
        .union(
            base.filter(attached_to=document).annotate(relation=Value("attachments")),
            base.filter(attachments=document).annotate(relation=Value("attached_to")),
            all=True,
        )
        .order_by(*BY_DATE)
    )
    for row in rows:
        getattr(record, row.relation).append(row)


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


def collections_with_counts() -> QuerySet[Collection]:
    return active_collections().annotate(document_count=_published_count("documents"))


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
    latest = (
        published_documents()
        .filter(collections=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return (
        active_collections()
        .filter(slug=slug)
        .select_related("parent")
        .annotate(documents_changed_at=Subquery(latest))
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
    documents = published_documents().filter(collections=collection)
    return documents_for_list(documents).order_by(*(NEWEST_FIRST if newest_first else BY_DATE))


# Browse ---------------------------------------------------------------------------------------


def _inside_count() -> Subquery:
    """Published documents of a place or any place inside it, for `Place.objects`."""
    documents = (
        published_documents()
        .filter(places__tree_path__startswith=OuterRef("tree_path"))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(documents, output_field=IntegerField()), 0)


def places_with_counts() -> QuerySet[Place]:
    return (
        Place.objects.select_related("parent")
        .annotate(document_count=_inside_count())
        .filter(document_count__gt=0)
    )


def place_documents(place: Place) -> QuerySet[Document]:
    """Documents of the place and of every place inside it."""
    inside = Place.objects.filter(tree_path__startswith=place.tree_path)
    documents = published_documents().filter(
        pk__in=Document.places.through.objects.filter(place__in=inside).values("document")
    )
    return documents_for_list(documents).order_by(*BY_DATE)


def place_ancestors(place: Place) -> list[Place]:
    ids = [int(part) for part in place.tree_path.strip("/").split("/") if part][:-1]
    by_id = Place.objects.in_bulk(ids) if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def topics_with_counts() -> QuerySet[Topic]:
    return Topic.objects.annotate(document_count=_published_count("documents")).filter(
        document_count__gt=0
    )


def topic_documents(topic: Topic) -> QuerySet[Document]:
    return documents_for_list(published_documents().filter(topics=topic)).order_by(*BY_DATE)


def translators_with_counts() -> QuerySet[Translator]:
    count = Count(
        "approved_translations__document",
        filter=Q(approved_translations__document__status=PUBLISHED)
        & ~Q(approved_translations__approved_body=""),
        distinct=True,
    )
    return Translator.objects.annotate(document_count=count).filter(document_count__gt=0)


def translator_documents(translator: Translator) -> QuerySet[Document]:
    """Published documents with an approved translation by this translator."""
    theirs = Translation.objects.public().filter(approved_translators=translator).values("document")
    documents = published_documents().filter(pk__in=theirs)
    return documents_for_list(documents).order_by(*BY_DATE)


def funders_with_counts() -> QuerySet[Funder]:
    return Funder.objects.annotate(document_count=_published_count("documents")).filter(
        document_count__gt=0
    )


def funder_documents(funder: Funder) -> QuerySet[Document]:
    return documents_for_list(published_documents().filter(funders=funder)).order_by(*BY_DATE)


def repositories_with_counts() -> QuerySet[Repository]:
    count = Count(
        "provenances__document",
        filter=Q(provenances__document__status=PUBLISHED),
        distinct=True,
    )
    return Repository.objects.annotate(document_count=count).filter(document_count__gt=0)


def repository_documents(repository: Repository) -> QuerySet[Document]:
    documents = published_documents().filter(provenance__repository=repository)
    return documents_for_list(documents).order_by(*BY_DATE)


def year_counts() -> list[dict]:
    """[{"year": 1950, "count": 3}, …]: published documents by the year they begin in."""
    return list(
        published_documents()
        .filter(date_earliest__isnull=False)
        .annotate(year=ExtractYear("date_earliest"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )


def year_documents(year: int) -> QuerySet[Document]:
    documents = published_documents().filter(
        date_earliest__gte=datetime.date(year, 1, 1), date_earliest__lte=datetime.date(year, 12, 31)
    )
    return documents_for_list(documents).order_by(*BY_DATE)
