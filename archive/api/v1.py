"""/api/v1/: the read-only JSON API, with its OpenAPI description and docs page.

django-ninja builds the OpenAPI description from the same pydantic schemas that check
each response, so the description cannot drift from what is served; its docs page uses
Swagger UI files bundled with the package (no CDN) and no inline script.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import Field, create_model

from archive import selectors
from archive.api import records, schemas
from archive.api.authorities import (
    KINDS,
    Kind,
    authority_detail,
    authority_item,
    collection_detail,
    collection_item,
)
from archive.api.http import json_error
from archive.api.search import SearchError, documents_page, page_number_error
from archive.models import Document
from archive.search.facets import FACETS

NAMES_PER_PAGE = 100
ERRORS = {400: schemas.Error, 404: schemas.Error}

api = NinjaAPI(
    title="Dossier API",
    version="1",
    description=(
        "Read-only access to the archive's published documents, collections and "
        "authorities. Filters and error messages are those of the search page. Every "
        "response carries `Access-Control-Allow-Origin: *`, an ETag, and answers "
        '`If-None-Match` with 304. Errors are `{"error": code, "detail": message}`.'
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs/",
)


# Errors: one shape, the search page's words ----------------------------------------------


@api.exception_handler(SearchError)
def _bad_search(request, error: SearchError):
    return json_error(400, "bad_request", str(error))


@api.exception_handler(ValidationError)
def _bad_parameter(request, error: ValidationError):
    details = []
    for problem in error.errors:
        name = str(problem.get("loc", ["", "?"])[-1])
        if name == "page":
            details.append(str(page_number_error(request.GET.get("page", ""))))
        else:
            details.append(f"{name}: {problem.get('msg', _('invalid value'))}.")
    return json_error(400, "bad_request", " ".join(details))


@api.exception_handler(Http404)
def _not_found(request, error: Http404):
    return json_error(404, "not_found", str(error) or _("Nothing here."))


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    return json_error(error.status_code, "error", str(error))


# Documents ----------------------------------------------------------------------------------


def _filter_fields() -> dict:
    """The search page's parameters, from its facet registry."""
    fields = {
        "q": (str | None, Field(None, description='Words, "phrases", OR, -excluded.')),
        "date_from": (str | None, Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD.")),
        "date_to": (str | None, Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD.")),
        "sort": (str | None, Field(None, description="relevance (default), date or -date.")),
    }
    for facet in FACETS:
        key = "ISO 639 code" if facet.slug_field == "code" else "slug"
        fields[facet.param] = (
            list[str],
            Field([], description=f"{facet.label} ({key}); repeat for several."),
        )
        fields[f"{facet.param}_match"] = (
            str | None,
            Field(None, description="any (default) or all of the chosen values."),
        )
    fields["page"] = (int, Field(1, ge=1))
    fields["per_page"] = (int, Field(20, ge=1, le=100))
    return fields


DocumentFilters = create_model("DocumentFilters", __base__=Schema, **_filter_fields())


def _page_links(request, number: int, pages: int) -> tuple[str | None, str | None]:
    def url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return (url(number + 1) if number < pages else None, url(number - 1) if number > 1 else None)


@api.get(
    "/documents",
    response={200: schemas.DocumentList, **ERRORS},
    url_name="document_list",
    summary="Search and list published documents",
    tags=["documents"],
)
def list_documents(request, filters: Query[DocumentFilters]):
    """Every filter of the search page; without any, all published documents by date."""
    page = documents_page(request.GET, per_page=filters.per_page)
    next_url, previous_url = _page_links(request, page.number, page.pages)
    return {
        "count": page.count,
        "count_estimated": page.estimated,
        "page": page.number,
        "pages": page.pages,
        "per_page": filters.per_page,
        "next": next_url,
        "previous": previous_url,
        "results": [records.document_summary(request, d) for d in page.documents],
    }


@api.get(
    "/documents/{record_id}",
    response={200: schemas.DocumentDetail, 410: schemas.Tombstone, **ERRORS},
    url_name="document_detail",
    summary="A published document, with links to its scans and citations",
    tags=["documents"],
)
def get_document(request, record_id: int):
    """A withdrawn document answers 410 with its tombstone."""
    record = selectors.document_record(record_id) if 0 < record_id < 2**31 else None
    if record is None:
        raise Http404(_("No published document has this record ID."))
    if record.document.status == Document.Status.WITHDRAWN:
        return Status(410, records.tombstone(request, record))
    response = records.document_detail(request, record)
    request.api_last_modified = record.last_modified  # see http.read_only
    return response


# Collections and authorities ----------------------------------------------------------------


def _names_page(request, items, page_number: int) -> tuple:
    paginator = Paginator(items, NAMES_PER_PAGE)
    try:
        page = paginator.page(page_number)
    except (EmptyPage, PageNotAnInteger) as error:
        raise SearchError(
            _("There is no page %(page)s: these results have %(pages)d page(s).")
            % {"page": page_number, "pages": paginator.num_pages}
        ) from error
    next_url, previous_url = _page_links(request, page.number, paginator.num_pages)
    envelope = {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": next_url,
        "previous": previous_url,
    }
    return page.object_list, envelope


class PageQuery(Schema):
    page: int = Field(1, ge=1)


CollectionPage = schemas.page_schema(schemas.CollectionOut, "CollectionPage")


@api.get(
    "/collections",
    response={200: CollectionPage, **ERRORS},
    url_name="collection_list",
    summary="Active collections, in reading order",
    tags=["collections"],
)
def list_collections(request, query: Query[PageQuery]):
    items = selectors.collections_in_reading_order().select_related("parent")
    page, envelope = _names_page(request, items, query.page)
    return {**envelope, "results": [collection_item(request, c) for c in page]}


@api.get(
    "/collections/{slug}",
    response={200: schemas.CollectionDetail, **ERRORS},
    url_name="collection_detail",
    summary="An active collection",
    tags=["collections"],
)
def get_collection(request, slug: str):
    collection = selectors.collection_for_page(slug)
    if collection is None:
        raise Http404(_("There is no collection “%(slug)s”.") % {"slug": slug[:100]})
    collection.document_count = selectors.collection_documents(
        collection, newest_first=False
    ).count()
    return collection_detail(request, collection)


def _register(kind: Kind) -> None:
    """The list and detail endpoints of one kind of authority."""
    page_schema = schemas.page_schema(kind.item_schema, f"{kind.item_schema.__name__}Page")

    def list_view(request, query: Query[PageQuery]):
        page, envelope = _names_page(request, kind.find(), query.page)
        return {**envelope, "results": [authority_item(request, kind, obj) for obj in page]}

    def detail_view(request, slug: str):
        obj = kind.get(slug)
        if obj is None:
            raise Http404(
                _("There is no %(kind)s “%(slug)s”.") % {"kind": kind.singular, "slug": slug[:100]}
            )
        return authority_detail(request, kind, obj)

    api.get(
        f"/{kind.path}",
        response={200: page_schema, **ERRORS},
        url_name=f"{kind.singular}_list",
        operation_id=f"list_{kind.path}",
        summary=f"{kind.path.capitalize()} with published documents",
        tags=[kind.path],
    )(list_view)
    api.get(
        f"/{kind.path}/{{slug}}",
        response={200: kind.detail_schema, **ERRORS},
        url_name=f"{kind.singular}_detail",
        operation_id=f"get_{kind.singular}",
        summary=f"One of the {kind.path}",
        tags=[kind.path],
    )(detail_view)


for _kind in KINDS:
    _register(_kind)
