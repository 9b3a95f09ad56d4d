"""Reads for the public pages, with their joins in one place.

Every reader-facing query starts from `published_documents()` or `active_collections()`,
so drafts, withdrawn documents and inactive collections never reach a page, a count or a
related list. Each page's reads are pinned by query-count tests (tests/archive/
test_public_queries.py): a handful of queries however many records a page lists.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from archive.models import (
    Agent,
    Collection,
    Document,
    Funder,
    Language,
    Place,
    Provenance,
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


def published_among(document_ids: QuerySet) -> QuerySet[Document]:
    """Published documents whose ids the subquery gives.

    `pk IN (subquery)` makes both databases start from the relation's rows and look each
    document up by its key; a join on the relation lets SQLite start from every published
    document (the status index) and check each against the relation, a cost that grows
    with the archive rather than with the list.
    """
    return published_documents().filter(pk__in=document_ids)


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
    related = Document.related_documents.through.objects.filter(to_document=document)
    attachments = Document.attachments.through.objects.filter(from_document=document)
    attached_to = Document.attachments.through.objects.filter(to_document=document)

    def part(ids: QuerySet, relation: str) -> QuerySet[Document]:
        documents = documents_for_list(published_among(ids)).order_by()
        return documents.annotate(relation=Value(relation))

    rows = (
        part(related.values("from_document_id"), "related")
        .union(
            part(attachments.values("to_document_id"), "attachments"),
            part(attached_to.values("from_document_id"), "attached_to"),
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
    members = Document.collections.through.objects.filter(collection=collection)
    documents = published_among(members.values("document_id"))
    return documents_for_list(documents).order_by(*(NEWEST_FIRST if newest_first else BY_DATE))


# Browse ---------------------------------------------------------------------------------------


def place_counts() -> dict[int, int]:
    """{place id: published documents of the place and the places inside it}, in one
    grouped query.

    A subquery per place (LIKE on the outer tree path, which no index serves) took 30 s
    for the places page at 10k documents; here the (ancestor, place) pairs are places x
    places, and each document is read once per ancestor of its places.
    """
    qn = connection.ops.quote_name
    place, through = qn(Place._meta.db_table), qn(Document.places.through._meta.db_table)
    tree_path, place_id, document_id = qn("tree_path"), qn("place_id"), qn("document_id")
    # The pairs first, materialized: left to itself SQLite's planner joins the documents
    # first and compares tree paths per document (8 s at 10k).
    sql = (
        "WITH pairs AS MATERIALIZED ("
        f"SELECT a.{qn('id')} AS ancestor, p.{qn('id')} AS place FROM {place} a "
        f"JOIN {place} p ON p.{tree_path} LIKE a.{tree_path} || '%%') "
        f"SELECT pairs.ancestor, COUNT(DISTINCT dp.{document_id}) FROM pairs "
        f"JOIN {through} dp ON dp.{place_id} = pairs.place "
        f"JOIN {qn(Document._meta.db_table)} d ON d.{qn('id')} = dp.{document_id} "
        f"WHERE d.{qn('status')} = %s GROUP BY pairs.ancestor"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [PUBLISHED])
        return dict(cursor.fetchall())


def places_with_counts() -> list[Place]:
    """Places with published documents (in them or inside them), by name, with counts."""
    counts = place_counts()
    places = list(
        Place.objects.filter(pk__in=list(counts)).select_related("parent").order_by("name", "pk")
    )
    for place in places:
        place.document_count = counts[place.pk]
    return places


def place_documents(place: Place) -> QuerySet[Document]:
    """Documents of the place and of every place inside it."""
    inside = Place.objects.filter(tree_path__startswith=place.tree_path)
    documents = published_among(
        Document.places.through.objects.filter(place__in=inside).values("document")
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
    tagged = Document.topics.through.objects.filter(topic=topic).values("document_id")
    return documents_for_list(published_among(tagged)).order_by(*BY_DATE)


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
    return documents_for_list(published_among(theirs)).order_by(*BY_DATE)


def funders_with_counts() -> QuerySet[Funder]:
    return Funder.objects.annotate(document_count=_published_count("documents")).filter(
        document_count__gt=0
    )


def funder_documents(funder: Funder) -> QuerySet[Document]:
    funded = Document.funders.through.objects.filter(funder=funder).values("document_id")
    return documents_for_list(published_among(funded)).order_by(*BY_DATE)


def repositories_with_counts() -> QuerySet[Repository]:
    count = Count(
        "provenances__document",
        filter=Q(provenances__document__status=PUBLISHED),
        distinct=True,
    )
    return Repository.objects.annotate(document_count=count).filter(document_count__gt=0)


def repository_documents(repository: Repository) -> QuerySet[Document]:
    held = Provenance.objects.filter(repository=repository).values("document_id")
    return documents_for_list(published_among(held)).order_by(*BY_DATE)


def year_counts() -> list[dict]:
    """[{"year": 1950, "count": 3}, …]: published documents by the year they begin in.

    One range count per year on the (status, date_earliest) index, from the first dated
    year to the last (each found by a seek), instead of a year extracted from every row:
    on SQLite that is a Python function call per document (520 ms at 100k).
    """
    dated = published_documents().filter(date_earliest__isnull=False)
    first = dated.order_by("date_earliest").values_list("date_earliest", flat=True).first()
    if first is None:
        return []
    last = dated.order_by("-date_earliest").values_list("date_earliest", flat=True).first()
    years = range(first.year, last.year + 1)
    qn = connection.ops.quote_name
    count = (
        f"(SELECT COUNT(*) FROM {qn(Document._meta.db_table)} WHERE {qn('status')} = %s "
        f"AND {qn('date_earliest')} >= %s AND {qn('date_earliest')} < %s)"
    )
    params = []
    for year in years:
        params += [PUBLISHED, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([count] * len(years)), params)
        counts = cursor.fetchone()
    return [{"year": year, "count": n} for year, n in zip(years, counts, strict=True) if n]


def year_documents(year: int) -> QuerySet[Document]:
    documents = published_documents().filter(
        date_earliest__gte=datetime.date(year, 1, 1), date_earliest__lte=datetime.date(year, 12, 31)
    )
    return documents_for_list(documents).order_by(*BY_DATE)
