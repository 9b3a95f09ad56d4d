"""A page of documents for an API: the /search/ page's filter form, engine and messages,
without its template. A search with nothing in it lists every published document."""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _

from archive.models import Document
from archive.search.backends import Search, Sort, get_backend
from archive.search.engine import SearchPlan
from archive.search.filters import DocumentFilter
from archive.search.views import MAX_ESTIMATED_PAGES, clean_params
from archive.selectors import BY_DATE, NEWEST_FIRST, published_documents


class SearchError(ValueError):
    """Parameters the client must change; the message is the search page's."""


@dataclass
class DocumentPage:
    documents: list[Document]
    count: int
    estimated: bool
    number: int
    pages: int


def page_number_error(page: str) -> SearchError:
    return SearchError(_("“%(page)s” is not a page number.") % {"page": str(page)[:20]})


def documents_page(
    params: QueryDict, *, per_page: int, filterset_class=DocumentFilter
) -> DocumentPage:
    """The requested page of the documents these parameters select.

    Raises SearchError with the search page's message for a bad query, date, filter or
    page number.
    """
    params = clean_params(params)
    filterset = filterset_class(params, queryset=Search())
    if not filterset.is_valid():
        raise SearchError(
            " ".join(message for errors in filterset.form.errors.values() for message in errors)
        )
    search = filterset.qs
    number = params.get("page") or 1
    if search.is_blank:
        order = NEWEST_FIRST if search.sort == Sort.DATE_DESC else BY_DATE
        documents = published_documents().select_related("document_type").order_by(*order)
        return _page(Paginator(documents, per_page), number, estimated=False)
    # The error leaves the session as a value: an exception through it would mark an
    # enclosing transaction (PostgreSQL's session is atomic without a savepoint) as failed.
    with get_backend().session():
        try:
            return _search_page(search, number, per_page)
        except SearchError as error:
            failure = error
    raise failure


def _search_page(search: Search, number, per_page: int) -> DocumentPage:
    results = SearchPlan(search)
    paginator = Paginator(results, per_page)
    if results.estimated and str(number).isdecimal() and int(number) > MAX_ESTIMATED_PAGES:
        raise SearchError(
            _(
                "Only the first %(pages)d pages of so many results can be shown: "
                "add a word or a filter to narrow the search."
            )
            % {"pages": MAX_ESTIMATED_PAGES}
        )
    page = _page(paginator, number, estimated=results.estimated)
    page.documents = [result.document for result in page.documents]
    return page


def _page(paginator: Paginator, number, *, estimated: bool) -> DocumentPage:
    try:
        page = paginator.page(number)
    except PageNotAnInteger as error:
        raise page_number_error(number) from error
    except EmptyPage as error:
        raise SearchError(
            _("There is no page %(page)s: these results have %(pages)d page(s).")
            % {"page": str(number)[:20], "pages": paginator.num_pages}
        ) from error
    pages = min(paginator.num_pages, MAX_ESTIMATED_PAGES) if estimated else paginator.num_pages
    return DocumentPage(list(page.object_list), paginator.count, estimated, page.number, pages)
