from .collections import Collection
from .documents import Document, Provenance, Scan, Transcript, Translation, next_record_id
from .people import Funder, Translator
from .vocabularies import (
    Agent,
    Classification,
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
    "Document",
    "DocumentType",
    "Funder",
    "Language",
    "Place",
    "Provenance",
    "Repository",
    "RightsStatement",
    "Scan",
    "Topic",
    "Transcript",
    "Translation",
    "Translator",
    "next_record_id",
]
