"""The shapes of /api/v1/ responses: pydantic schemas, from which django-ninja writes the
OpenAPI description, and against which it checks every response it sends."""

import datetime

from ninja import Schema
from pydantic import Field


class Error(Schema):
    error: str = Field(description="A stable code: bad_request, not_found, gone …")
    detail: str = Field(description="What went wrong, in the search page's words.")


class Link(Schema):
    name: str
    slug: str
    url: str = Field(description="The public page.")
    api_url: str


class Agent(Link):
    kind: str = Field(description="person or organization")


class Funder(Link):
    credit_line: str
    website: str


class LanguageOut(Schema):
    code: str = Field(description="ISO 639 code (639-1 where one exists).")
    name: str


class HistoricalDate(Schema):
    entered: str = Field(description='As the archivist gave it, e.g. "1965-05-30", "circa 1950".')
    edtf: str = Field(description="Extended Date/Time Format (ISO 8601-2), empty when undated.")
    display: str = Field(description='As shown to readers, e.g. "May 30, 1965".')
    earliest: datetime.date | None
    latest: datetime.date | None
    precision: str


class DocumentSummary(Schema):
    record_id: int
    title: str
    slug: str
    summary: str
    date: HistoricalDate
    document_type: str | None
    first_published_at: datetime.datetime | None
    url: str = Field(description="The document page.")
    permalink: str
    api_url: str


class DocumentList(Schema):
    count: int = Field(description="Matching documents (an estimate when count_estimated).")
    count_estimated: bool
    page: int
    pages: int
    per_page: int
    next: str | None
    previous: str | None
    results: list[DocumentSummary]


class Scan(Schema):
    position: int
    kind: str = Field(description="image or pdf")
    label: str
    alt_text: str
    width: int | None
    height: int | None
    file_size: int | None
    url: str = Field(description="The original file (served only while the document is public).")
    web_url: str | None
    thumbnail_url: str | None


class Transcript(Schema):
    language: LanguageOut
    html: str = Field(description="Sanitized HTML.")


class Translation(Schema):
    language: LanguageOut
    html: str = Field(description="The approved text, sanitized HTML.")
    credit: str
    translators: list[Link]
    approved_at: datetime.datetime | None


class Provenance(Schema):
    repository: Link | None
    archival_reference: str
    published_source: str
    translation_source: str
    acquisition_note: str
    declassification_note: str


class Rights(Schema):
    name: str
    html: str
    url: str


class CollectionLink(Schema):
    title: str
    slug: str
    url: str
    api_url: str


class Citation(Schema):
    chicago: str
    ris: str = Field(description="URL of the RIS file.")
    bibtex: str = Field(description="URL of the BibTeX file.")
    csl_json: str = Field(description="URL of the CSL-JSON file.")


class DocumentDetail(DocumentSummary):
    status: str
    updated_at: datetime.datetime
    classification: str | None
    languages: list[LanguageOut]
    creators: list[Agent]
    recipients: list[Agent]
    places: list[Link]
    topics: list[Link]
    funders: list[Funder]
    collections: list[CollectionLink]
    provenance: Provenance | None
    rights: Rights | None
    transcripts: list[Transcript]
    translations: list[Translation]
    scans: list[Scan]
    related_documents: list[DocumentSummary]
    attachments: list[DocumentSummary]
    attached_to: list[DocumentSummary]
    citation: Citation


class Tombstone(Schema):
    record_id: int
    title: str
    status: str = Field(description="withdrawn")
    withdrawn_at: datetime.datetime | None
    reason: str
    permalink: str
    citation: str
    error: str = Field(description="gone")
    detail: str


class AuthorityOut(Schema):
    name: str
    slug: str
    document_count: int = Field(description="Published documents.")
    url: str
    api_url: str
    documents_url: str = Field(description="Its documents in this API (a filtered list).")


class PlaceOut(AuthorityOut):
    parent: Link | None


class AgentOut(AuthorityOut):
    kind: str


class TranslatorOut(AuthorityOut):
    affiliation: str
    website: str


class FunderOut(AuthorityOut):
    credit_line: str
    website: str


class RepositoryOut(AuthorityOut):
    location: str
    website: str


class TopicDetail(AuthorityOut):
    description: str


class AgentDetail(AgentOut):
    description: str


class TranslatorDetail(TranslatorOut):
    biography: str
    working_languages: list[LanguageOut]


class RepositoryDetail(RepositoryOut):
    description: str


class PlaceDetail(PlaceOut):
    ancestors: list[Link]
    children: list[Link]


class CollectionOut(Schema):
    title: str
    slug: str
    short_description: str
    featured: bool
    parent: CollectionLink | None
    document_count: int
    url: str
    api_url: str
    documents_url: str


class CollectionDetail(CollectionOut):
    description_html: str
    image_url: str | None
    image_alt: str
    image_caption: str
    children: list[CollectionLink]
    related_collections: list[CollectionLink]
    updated_at: datetime.datetime


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of a list of names: {count, page, pages, next, previous, results}."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "page": int,
                "pages": int,
                "next": str | None,
                "previous": str | None,
                "results": list[item],
            }
        },
    )
