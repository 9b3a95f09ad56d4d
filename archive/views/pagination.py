from functools import cached_property

from django.core.paginator import Page, Paginator

DOCUMENTS_PER_PAGE = 25
NAMES_PER_PAGE = 100


class CountedPaginator(Paginator):
    """A paginator told how many items there are (a maintained count), so it never
    counts them."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def page_of(
    request, items, per_page: int = DOCUMENTS_PER_PAGE, *, count: int | None = None
) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest
    real page rather than an error."""
    if count is None:
        paginator = Paginator(items, per_page)
    else:
        paginator = CountedPaginator(items, per_page, count=count)
    return paginator.get_page(request.GET.get("page"))
