"""Reads for the public pages, with their joins in one place."""

from django.db.models import Prefetch, QuerySet

from archive.models import Collection, Document, Translation


def published_documents() -> QuerySet[Document]:
    return Document.objects.published()


def document_for_page() -> QuerySet[Document]:
    """Published documents with everything the document page shows."""
    return (
        published_documents()
        .select_related(
            "document_type", "classification", "rights_statement", "provenance__repository"
        )
        .prefetch_related(
            "funders",
            "places",
            "topics",
            "scans",
            "transcripts__language",
            Prefetch(
                "translations",
                queryset=Translation.objects.public()
                .select_related("language")
                .prefetch_related("translators"),
                to_attr="public_translations",
            ),
            Prefetch("collections", queryset=Collection.objects.active()),
        )
    )


def recent_documents(limit: int = 10) -> QuerySet[Document]:
    return published_documents().order_by("-first_published_at", "-record_id")[:limit]


def featured_collections() -> QuerySet[Collection]:
    return Collection.objects.active().filter(featured=True)
