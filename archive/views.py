from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from archive import selectors
from archive.models import Collection


def home(request):
    return render(
        request,
        "archive/home.html",
        {
            "recent_documents": selectors.recent_documents(),
            "featured_collections": selectors.featured_collections(),
        },
    )


def document_redirect(request, record_id: int):
    document = get_object_or_404(selectors.published_documents(), record_id=record_id)
    return redirect(document, permanent=True)


def document_detail(request, record_id: int, slug: str):
    document = get_object_or_404(selectors.document_for_page(), record_id=record_id)
    if document.slug != slug:
        return redirect(document, permanent=True)
    return render(request, "archive/document_detail.html", {"document": document})


def collection_list(request):
    collections = Collection.objects.active()
    return render(request, "archive/collection_list.html", {"collections": collections})


def collection_detail(request, slug: str):
    collection = get_object_or_404(Collection.objects.active(), slug=slug)
    documents = selectors.published_documents().filter(collections=collection)
    page = Paginator(documents.order_by("date_earliest", "record_id"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "archive/collection_detail.html", {"collection": collection, "page": page}
    )
