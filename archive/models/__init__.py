from .collections import Collection
from .documents import Document, Provenance, Scan, Transcript, Translation, next_record_id
from .listings import Listing, ListingCount, ListingKind
from .people import Funder, Translator
from .versions import TranslationVersion
from .vocabularies import (
    Agent,
    Classification,
    DeclassifyingAuthority,
    DocumentType,
    Language,
    Place,
    Repository,
    RightsStatement,
    Topic,
)

__all__ = [
    "Agent",
    "Classification",
    "Collection",
    "DeclassifyingAuthority",
    "Document",
    "DocumentType",
    "Funder",
    "Language",
    "Listing",
    "ListingCount",
    "ListingKind",
    "Place",
    "Provenance",
    "Repository",
    "RightsStatement",
    "Scan",
    "Topic",
    "Transcript",
    "Translation",
    "TranslationVersion",
    "Translator",
    "next_record_id",
]
