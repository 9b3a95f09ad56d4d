"""Reads for declassification: the authorities that released documents, and their documents.

Counts and lists start from published documents only, as every public read does
(archive/selectors.py).
"""

import datetime

from django.db.models import Count, Q, QuerySet

from archive.models import DeclassifyingAuthority, Document
from archive.selectors import BY_DATE, PUBLISHED, documents_for_list, published_documents


def authorities_with_counts() -> QuerySet[DeclassifyingAuthority]:
    count = Count(
        "provenances__document",
        filter=Q(provenances__document__status=PUBLISHED),
        distinct=True,
    )
    return DeclassifyingAuthority.objects.annotate(document_count=count).filter(
        document_count__gt=0
    )


def declassified_documents(
    *,
    authority: DeclassifyingAuthority | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Document]:
    """Published documents released by the authority and/or within the dates, by date."""
    documents = published_documents()
    if authority is not None:
        documents = documents.filter(provenance__declassified_by=authority)
    if since is not None:
        documents = documents.filter(provenance__declassified_on__gte=since)
    if until is not None:
        documents = documents.filter(provenance__declassified_on__lte=until)
    return documents_for_list(documents).order_by(*BY_DATE)
