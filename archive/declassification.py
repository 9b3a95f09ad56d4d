"""Reads for declassification: the authorities that released documents, and their documents.

Counts and lists come from the listings (archive/listings.py), which hold published
documents only, as every public read does (archive/selectors.py).
"""

from django.db.models import QuerySet

from archive.models import DeclassifyingAuthority, Document, ListingKind
from archive.selectors import listed_count, listed_documents, with_documents


def authorities_with_counts() -> QuerySet[DeclassifyingAuthority]:
    return with_documents(DeclassifyingAuthority.objects.all(), ListingKind.DECLASSIFIER)


def authority_with_count(**lookup) -> QuerySet[DeclassifyingAuthority]:
    return DeclassifyingAuthority.objects.filter(**lookup).annotate(
        document_count=listed_count(ListingKind.DECLASSIFIER)
    )


def declassified_documents(authority: DeclassifyingAuthority) -> QuerySet[Document]:
    """Published documents released by the authority, by date."""
    return listed_documents(ListingKind.DECLASSIFIER, authority.pk)
