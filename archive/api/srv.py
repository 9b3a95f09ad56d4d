"""/srv/: the Wilson Center Digital Archive's public JSON API, served from this archive, so
researchers' scripts written against it work here with only the host changed.

The shapes follow the public Python client of that API (``digitalarchive`` on PyPI, whose
models type every field): records, collections, subjects, coverages, contributors and
repositories, with identifiers as JSON strings, dates as ``YYYYMMDD``
and timestamps as "YYYY-MM-DD HH:MM:SS". docs/api.md maps each field to ours.
"""

import mimetypes

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, Min, Value
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from archive import selectors
from archive.api import languages
from archive.api.authorities import by_name, people_with_counts, public_places
from archive.api.http import json_error
from archive.api.search import SearchError, documents_page
from archive.models import (
    Agent,
    Collection,
    Document,
    Funder,
    Place,
    Scan,
    Topic,
    Transcript,
    Translation,
)
from archive.search.facets import FACETS, FACETS_BY_PARAM
from archive.search.filters import DocumentFilter

ITEMS_PER_PAGE = 20
MAX_ITEMS_PER_PAGE = 200  # what the public client asks for
# Their repeatable parameters (INNER JOIN: a record must have all values) -> ours.
FACET_PARAMS = {
    "collection": "collection",
    "subject": "topic",
    "contributor": "creator",
    "coverage": "place",
    "donor": "funder",
    "repository": "repository",
}


class IdDocumentFilter(DocumentFilter):
    """The search form taking record ids (their identifiers) instead of slugs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            if facet.slug_field == "slug":
                self.filters[facet.param].extra["to_field_name"] = "pk"


def _timestamp(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _day(value) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _uri(kind: str, pk) -> str:
    return reverse(f"srv:{kind}_detail", args=[pk])


def _named(kind: str, obj) -> dict:
    """A subject, coverage, contributor or repository: {id, name, value, uri}."""
    return _term(kind, obj.pk, obj.name)


# Records --------------------------------------------------------------------------------------


def record_stub(document: Document) -> dict:
    """A record as search results list it (the client's required fields)."""
    return {
        "id": str(document.record_id),
        "uri": _uri("record", document.record_id),
        "title": document.title,
        "description": document.summary,
        "doc_date": _day(document.date_earliest),
        "frontend_doc_date": document.date_display,
        "slug": document.slug,
        "source_created_at": _timestamp(document.created_at),
        "source_updated_at": _timestamp(document.updated_at),
        "first_published_at": _timestamp(document.first_published_at or document.created_at),
        "model": "Record",
    }


def _asset(obj, *, filename: str, content_type: str, updated) -> dict:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {
        "id": str(obj.pk),
        "filename": filename,
        "content_type": content_type,
        "extension": extension,
        "asset_id": str(obj.pk),
        "source_created_at": _timestamp(getattr(obj, "created_at", None) or updated),
        "source_updated_at": _timestamp(updated),
    }


def _media_file(scan: Scan, document: Document) -> dict:
    filename = scan.file.name.rsplit("/", 1)[-1]
    content_type = (
        "application/pdf"
        if not scan.is_image
        else mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    asset = _asset(
        scan,
        filename=filename,
        content_type=content_type,
        updated=document.updated_at,
    )
    return {**asset, "path": reverse("srv:media_file", args=[scan.pk])}


def _term(kind: str, pk: int, name: str) -> dict:
    return {"id": str(pk), "name": name, "value": name, "uri": _uri(kind, pk)}


# (kind in DocumentRecord, model, relation to the document)
_TERMS = (
    ("places", Place, "documents"),
    ("topics", Topic, "documents"),
    ("funders", Funder, "documents"),
    ("creators", Agent, "documents_created"),
)


def _term_ids(document: Document) -> dict[tuple[str, str], int]:
    """(kind, slug) -> id of the document's terms, in one query: their API names them by
    id, the document record by slug."""
    parts = [
        model.objects.filter(**{relation: document})
        .order_by()
        .values_list(Value(kind), "slug", "pk")
        for kind, model, relation in _TERMS
    ]
    return {(kind, slug): pk for kind, slug, pk in parts[0].union(*parts[1:], all=True).order_by()}


def record_detail(record: selectors.DocumentRecord) -> dict:
    document = record.document
    provenance = record.provenance
    repository = provenance.repository if provenance else None
    rights = document.rights_statement
    ids = _term_ids(document)
    creators = [_term("contributor", ids[("creators", a.slug)], a.name) for a in record.creators]
    data = {
        **record_stub(document),
        "source": provenance.source_line if provenance else "",
        # A list of types and a single rights object, as the client's models read them.
        "type": [{"id": str(document.document_type.pk), "name": document.document_type.name}]
        if document.document_type
        else [],
        "rights": {"id": str(rights.pk), "name": rights.name, "rights": rights.text}
        if rights
        else None,
        "donors": [{"id": str(ids[("funders", f.slug)]), "name": f.name} for f in record.funders],
        "subjects": [_term("subject", ids[("topics", t.slug)], t.name) for t in record.topics],
        "transcripts": [
            {
                **_asset(
                    t,
                    filename=f"transcript-{t.pk}.html",
                    content_type="text/html",
                    updated=t.updated_at,
                ),
                "url": reverse("srv:transcript", args=[t.pk]),
            }
            for t in record.transcripts
        ],
        "translations": [
            {
                **_asset(
                    t,
                    filename=f"translation-{t.pk}.html",
                    content_type="text/html",
                    updated=t.approved_at or t.updated_at,
                ),
                "url": reverse("srv:translation", args=[t.pk]),
                "language": languages.srv_language(t.language),
            }
            for t in record.translations
        ],
        "media_files": [_media_file(scan, document) for scan in record.scans],
        "languages": [languages.srv_language(language) for language in record.languages],
        "creators": creators,
        "contributors": creators,
        "original_coverages": [
            _term("coverage", ids[("places", p.slug)], p.name) for p in record.places
        ],
        "collections": [
            {
                "id": str(c.pk),
                "name": c.title,
                "slug": c.slug,
                "value": c.title,
                "uri": _uri("collection", c.pk),
            }
            for c in record.collections
        ],
        "attachments": [record_stub(d) for d in record.attachments],
        "links": [record_stub(d) for d in record.related],
        "repositories": [_named("repository", repository)] if repository else [],
        "publishers": [],
        "classifications": [
            {"id": str(document.classification.pk), "name": document.classification.name}
        ]
        if document.classification
        else [],
    }
    if document.date_earliest:
        data["date_range_start"] = _day(document.date_earliest)
    return data


def _srv_params(params: QueryDict) -> QueryDict:
    """Their parameters as the search form's (ids kept: IdDocumentFilter reads them)."""
    ours = QueryDict(mutable=True)
    if params.get("q"):
        ours["q"] = params["q"]
    for theirs, bound in (("start_date", "date_from"), ("end_date", "date_to")):
        value = params.get(theirs, "").strip()
        if value:
            if not (len(value) == 8 and value.isascii() and value.isdecimal()):
                raise SearchError(
                    _("“%(value)s” is not a date: write it as YYYYMMDD (19650330).")
                    % {"value": value[:20]}
                )
            ours[bound] = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    for theirs, param in FACET_PARAMS.items():
        values = params.getlist(f"{theirs}[]") + params.getlist(theirs)
        for value in values:
            if not (value.isascii() and value.isdecimal() and len(value) < 19):
                # (The form would say the same, but cannot look up a malformed id.)
                raise SearchError(
                    _("There is no %(label)s “%(value)s”.")
                    % {"label": str(FACETS_BY_PARAM[param].label).lower(), "value": value[:100]}
                )
        if values:
            ours.setlist(param, values)
            ours[f"{param}_match"] = "all"
    if params.get("language"):
        ours["language"] = languages.from_srv_code(params["language"])
    if params.get("translation"):
        ours["translation_language"] = languages.from_srv_code(params["translation"])
    if params.get("theme"):
        ours.setlist("collection", _theme_collections(params["theme"]) + ours.getlist("collection"))
    if params.get("page"):
        ours["page"] = params["page"]
    return ours


def _theme_collections(theme: str) -> list[str]:
    """A theme is a top-level collection (by id or slug) with its sub-collections."""
    lookup = {"pk": int(theme)} if theme.isdecimal() and len(theme) < 10 else {"slug": theme}
    collection = selectors.active_collections().filter(**lookup).first()
    if collection is None:
        raise SearchError(_("There is no theme “%(value)s”.") % {"value": theme[:100]})
    children = selectors.active_collections().filter(parent=collection).values_list("pk", flat=True)
    return [str(collection.pk), *map(str, children)]


def _items_per_page(params: QueryDict) -> int:
    value = params.get("itemsPerPage", "")
    if not value:
        return ITEMS_PER_PAGE
    if not (value.isascii() and value.isdecimal()) or int(value) < 1:
        raise SearchError(_("“%(value)s” is not a number of items.") % {"value": value[:20]})
    return min(int(value), MAX_ITEMS_PER_PAGE)


def _pagination(count: int, page: int, pages: int) -> dict:
    return {"totalItems": count, "page": page, "totalPages": pages}


def record_list(request):
    """Records matching their search parameters; ``model=Collection`` searches collections."""
    params = request.GET
    try:
        per_page = _items_per_page(params)
        if params.get("model", "").lower() == "collection":
            return _collection_search(request, per_page=per_page)
        if params.getlist("publisher"):  # this archive names no publishers
            return JsonResponse({"list": [], "pagination": _pagination(0, 1, 1)})
        page = documents_page(
            _srv_params(params), per_page=per_page, filterset_class=IdDocumentFilter
        )
    except SearchError as error:
        return json_error(400, "bad_request", str(error))
    return JsonResponse(
        {
            "list": [record_stub(document) for document in page.documents],
            "pagination": _pagination(page.count, page.number, page.pages),
        }
    )


def record_detail_view(request, record_id: int):
    record = selectors.document_record(record_id) if record_id < 2**31 else None
    if record is None or record.document.status != Document.Status.PUBLISHED:
        return json_error(404, "not_found", _("No published document has this record ID."))
    return JsonResponse(record_detail(record))


def date_range(request):
    """The dates of the earliest and latest published documents, as YYYYMMDD."""
    bounds = selectors.published_documents().aggregate(
        begin=Min("date_earliest"), end=Max("date_latest")
    )
    return JsonResponse({"begin": _day(bounds["begin"]), "end": _day(bounds["end"])})


# Collections and authorities -----------------------------------------------------------------


def collection_object(collection: Collection) -> dict:
    parent = collection.parent if collection.parent_id and collection.parent.active else None
    image = collection.image.url if collection.image else ""
    return {
        "id": str(collection.pk),
        "name": collection.title,
        "value": collection.title,
        "slug": collection.slug,
        "uri": _uri("collection", collection.pk),
        "parent": {"id": str(parent.pk), "name": parent.title, "slug": parent.slug}
        if parent
        else None,
        "model": "Collection",
        "description": collection.description,
        "short_description": collection.short_description,
        "main_src": image,
        "thumb_src": image,
        "no_of_documents": str(collection.document_count),
        # is_inactive is left out: only active collections are served, and the client's
        # model wants a string where the archive's old answers had a boolean.
        "source_created_at": _timestamp(collection.created_at),
        "source_updated_at": _timestamp(collection.updated_at),
        "first_published_at": _timestamp(collection.created_at),
    }


def _public_collections():
    return selectors.collections_with_counts().select_related("parent")


def _collection_search(request, *, per_page: int):
    term = request.GET.get("q") or request.GET.get("term") or ""
    items = _public_collections().filter(title__icontains=term[:200]).order_by("title")
    return _paged_list(request, items, collection_object, per_page)


def _paged_list(request, items, shape, per_page: int):
    paginator = Paginator(items, per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        return json_error(
            400,
            "bad_request",
            _("There is no page %(page)s: these results have %(pages)d page(s).")
            % {"page": request.GET.get("page", "")[:20], "pages": paginator.num_pages},
        )
    return JsonResponse(
        {
            "list": [shape(obj) for obj in page.object_list],
            "pagination": _pagination(paginator.count, page.number, paginator.num_pages),
        }
    )


def _coverage(place, *, full: bool = False) -> dict:
    data = _named("coverage", place)
    if full:
        parent = place.parent
        data["parent"] = _named("coverage", parent) if parent else None
        children = public_places(parent=place)
        children = [_named("coverage", child) for child in children]
        if children:  # the client reads children[0]: an empty list would break it
            data["children"] = children
    return data


# kind: (public ones by name for **filters, their shape in lists, the full shape)
AUTHORITIES = {
    "subject": (by_name(selectors.topics_with_counts), lambda t: _named("subject", t), None),
    "coverage": (public_places, _coverage, lambda p: _coverage(p, full=True)),
    "contributor": (by_name(people_with_counts), lambda a: _named("contributor", a), None),
    "repository": (
        by_name(selectors.repositories_with_counts),
        lambda r: _named("repository", r),
        None,
    ),
}


def authority_search(request, kind: str):
    """``/srv/<kind>.json?term=``: names containing the term (all of them without one)."""
    find, shape, _full = AUTHORITIES[kind]
    term = (request.GET.get("term") or request.GET.get("q") or "")[:200]
    try:
        per_page = _items_per_page(request.GET) if "itemsPerPage" in request.GET else 200
    except SearchError as error:
        return json_error(400, "bad_request", str(error))
    return _paged_list(request, find(name__icontains=term), shape, per_page)


def authority_detail(request, kind: str, pk: int):
    find, shape, full = AUTHORITIES[kind]
    obj = next(iter(find(pk=pk)[:1]), None) if pk < 2**63 else None
    if obj is None:
        return json_error(
            404, "not_found", _("There is no %(kind)s %(id)s.") % {"kind": kind, "id": pk}
        )
    return JsonResponse((full or shape)(obj))


def collection_search(request):
    try:
        per_page = _items_per_page(request.GET)
    except SearchError as error:
        return json_error(400, "bad_request", str(error))
    return _collection_search(request, per_page=per_page)


def collection_detail(request, pk: int):
    collection = _public_collections().filter(pk=pk).first() if pk < 2**63 else None
    if collection is None:
        return json_error(404, "not_found", _("There is no collection %(id)s.") % {"id": pk})
    return JsonResponse(collection_object(collection))


# Assets: transcripts, translations and media files ------------------------------------------


def _html_asset(title: str, language_code: str, body: str) -> HttpResponse:
    page = (
        f'<!DOCTYPE html><html lang="{escape(language_code)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )
    return HttpResponse(page, content_type="text/html; charset=utf-8")


def transcript_asset(request, pk: int):
    transcript = (
        Transcript.objects.filter(pk=pk, document__status=Document.Status.PUBLISHED)
        .select_related("document", "language")
        .first()
    )
    if transcript is None:
        raise Http404
    return _html_asset(str(transcript.document), transcript.language.code, transcript.body)


def translation_asset(request, pk: int):
    translation = (
        Translation.objects.public()
        .filter(pk=pk, document__status=Document.Status.PUBLISHED)
        .select_related("document", "language")
        .first()
    )
    if translation is None:
        raise Http404
    return _html_asset(
        str(translation.document), translation.language.code, translation.approved_body
    )


def media_file_asset(request, pk: int):
    """The scan, through the page's permission-checked scan URL."""
    scan = (
        Scan.objects.filter(pk=pk, document__status=Document.Status.PUBLISHED)
        .select_related("document")
        .only("position", "document__record_id")
        .first()
    )
    if scan is None:
        raise Http404
    return HttpResponseRedirect(
        reverse("archive:scan", args=[scan.document.record_id, scan.position])
    )


def _not_found_as_json(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return json_error(404, "not_found", _("Nothing public here."))

    return wrapped


urlpatterns = [
    path("record.json", record_list, name="record_list"),
    path("record/date_range.json", date_range, name="date_range"),
    path("record/<int:record_id>.json", record_detail_view, name="record_detail"),
    path("collection.json", collection_search, name="collection_list"),
    path("collection/<int:pk>.json", collection_detail, name="collection_detail"),
    path("transcript/<int:pk>.html", _not_found_as_json(transcript_asset), name="transcript"),
    path("translation/<int:pk>.html", _not_found_as_json(translation_asset), name="translation"),
    path("media_file/<int:pk>", _not_found_as_json(media_file_asset), name="media_file"),
]
for _kind in AUTHORITIES:
    urlpatterns += [
        path(f"{_kind}.json", authority_search, {"kind": _kind}, name=f"{_kind}_list"),
        path(f"{_kind}/<int:pk>.json", authority_detail, {"kind": _kind}, name=f"{_kind}_detail"),
    ]
