from django.core.paginator import Page, Paginator

DOCUMENTS_PER_PAGE = 25
NAMES_PER_PAGE = 100


def page_of(request, items, per_page: int = DOCUMENTS_PER_PAGE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest
    real page rather than an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
