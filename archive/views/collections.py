"""The collections index and a collection's page."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from archive import selectors
from archive.views.caching import with_validators
from archive.views.pagination import NAMES_PER_PAGE, page_of

SORTS = {"oldest": "Oldest first", "newest": "Newest first"}


@require_safe
def collection_list(request):
    collections = selectors.collections_in_reading_order()
    return render(
        request,
        "archive/collection_list.html",
        {"page": page_of(request, collections, NAMES_PER_PAGE)},
    )


@require_safe
def collection_detail(request, slug: str):
    collection = selectors.collection_for_page(slug)
    if collection is None:
        raise Http404("No such collection.")
    sort = request.GET.get("sort", "oldest")
    sort_error = ""
    if sort not in SORTS:
        sort_error = f"There is no order “{sort[:50]}”; the documents are shown oldest first."
        sort = "oldest"
    documents = selectors.collection_documents(collection, newest_first=sort == "newest")
    parent = collection.parent if collection.parent and collection.parent.active else None
    response = render(
        request,
        "archive/collection_detail.html",
        {
            "collection": collection,
            "parent": parent,
            "page": page_of(request, documents, count=collection.document_count),
            "sort": sort,
            "sorts": SORTS,
            "sort_error": sort_error,
        },
    )
    stamps = [collection.updated_at, collection.documents_changed_at]
    return with_validators(request, response, last_modified=max(s for s in stamps if s is not None))
