"""Documents and authorities as /api/v1/ shows them: plain dicts in the shapes of
``archive.api.schemas``, with absolute links to the public pages, scans and citations."""

from django.conf import settings
from django.urls import reverse

from archive.citations import Citation
from archive.models import Document
from archive.selectors import DocumentRecord


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def api_url(request, name: str, **kwargs) -> str:
    return absolute(request, reverse(f"api-v1:{name}", kwargs=kwargs))


def documents_url(request, param: str, value: str) -> str:
    return f"{api_url(request, 'document_list')}?{param}={value}"


def permalink(request, record_id: int) -> str:
    return absolute(request, reverse("archive:document_redirect", args=[record_id]))


def citation_for(request, record: DocumentRecord) -> Citation:
    return Citation(
        record=record,
        permalink=permalink(request, record.document.record_id),
        archive_name=settings.DOSSIER_ARCHIVE_NAME,
    )


def historical_date(document: Document) -> dict:
    return {
        "entered": document.date_entered,
        "edtf": document.date_edtf,
        "display": document.date_display,
        "earliest": document.date_earliest,
        "latest": document.date_latest,
        "precision": document.date_precision,
    }


def document_summary(request, document: Document) -> dict:
    """What a list shows; reads only the document and its (selected) type."""
    document_type = document.document_type if document.document_type_id else None
    return {
        "record_id": document.record_id,
        "title": document.title,
        "slug": document.slug,
        "summary": document.summary,
        "date": historical_date(document),
        "document_type": document_type.name if document_type else None,
        "first_published_at": document.first_published_at,
        "url": absolute(request, document.get_absolute_url()),
        "permalink": permalink(request, document.record_id),
        "api_url": api_url(request, "document_detail", record_id=document.record_id),
    }


def _related_summary(request, document: Document) -> dict:
    """Related documents are read without their type (see selectors._add_related)."""
    document.document_type_id = None
    return document_summary(request, document)


def link(request, obj, *, page: str, api: str) -> dict:
    return {
        "name": obj.name,
        "slug": obj.slug,
        "url": absolute(request, reverse(page, args=[obj.slug])),
        "api_url": api_url(request, api, slug=obj.slug),
    }


def collection_link(request, collection) -> dict:
    return {
        "title": collection.title,
        "slug": collection.slug,
        "url": absolute(request, collection.get_absolute_url()),
        "api_url": api_url(request, "collection_detail", slug=collection.slug),
    }


def _language(language) -> dict:
    return {"code": language.code, "name": language.name}


def _agent(request, agent) -> dict:
    # People have no page of their own: their public page is the search for them.
    return {
        "name": agent.name,
        "slug": agent.slug,
        "url": f"{absolute(request, reverse('search:results'))}?creator={agent.slug}",
        "api_url": api_url(request, "person_detail", slug=agent.slug),
        "kind": agent.kind,
    }


def _scan(request, document: Document, scan) -> dict:
    def url(variant: str | None) -> str:
        if variant is None:
            return absolute(
                request, reverse("archive:scan", args=[document.record_id, scan.position])
            )
        args = [document.record_id, scan.position, variant]
        return absolute(request, reverse("archive:scan_variant", args=args))

    return {
        "position": scan.position,
        "kind": scan.kind,
        "label": scan.label,
        "alt_text": scan.alt_text,
        "width": scan.width,
        "height": scan.height,
        "file_size": scan.file_size,
        "url": url(None),
        "web_url": url("web") if scan.web_image else None,
        "thumbnail_url": url("thumbnail") if scan.thumbnail else None,
    }


def _citation_files(request, record_id: int) -> dict:
    def url(fmt: str) -> str:
        return absolute(request, reverse("archive:document_citation", args=[record_id, fmt]))

    return {"ris": url("ris"), "bibtex": url("bib"), "csl_json": url("json")}


def document_detail(request, record: DocumentRecord) -> dict:
    document = record.document
    provenance = record.provenance
    rights = document.rights_statement
    citation = citation_for(request, record)
    places = [
        link(request, p, page="archive:place_detail", api="place_detail") for p in record.places
    ]
    topics = [
        link(request, t, page="archive:topic_detail", api="topic_detail") for t in record.topics
    ]
    return {
        **document_summary(request, document),
        "status": document.status,
        "updated_at": record.last_modified,
        "classification": document.classification.name if document.classification else None,
        "languages": [_language(language) for language in record.languages],
        "creators": [_agent(request, agent) for agent in record.creators],
        "recipients": [_agent(request, agent) for agent in record.recipients],
        "places": places,
        "topics": topics,
        "funders": [
            {
                **link(request, f, page="archive:funder_detail", api="funder_detail"),
                "credit_line": f.credit_line,
                "website": f.url,
            }
            for f in record.funders
        ],
        "collections": [collection_link(request, c) for c in record.collections],
        "provenance": {
            "repository": link(
                request,
                provenance.repository,
                page="archive:repository_detail",
                api="repository_detail",
            )
            if provenance.repository
            else None,
            "archival_reference": provenance.archival_reference,
            "published_source": provenance.published_source,
            "translation_source": provenance.translation_source,
            "acquisition_note": provenance.acquisition_note,
            "declassification_note": provenance.declassification_note,
        }
        if provenance
        else None,
        "rights": {"name": rights.name, "html": rights.text, "url": rights.url} if rights else None,
        "transcripts": [
            {"language": _language(t.language), "html": t.body} for t in record.transcripts
        ],
        "translations": [
            {
                "language": _language(t.language),
                "html": t.approved_body,
                "credit": t.approved_credit,
                "translators": [
                    link(request, p, page="archive:translator_detail", api="translator_detail")
                    for p in t.approved_translators.all()
                ],
                "approved_at": t.approved_at,
            }
            for t in record.translations
        ],
        "scans": [_scan(request, document, scan) for scan in record.scans],
        "related_documents": [_related_summary(request, d) for d in record.related],
        "attachments": [_related_summary(request, d) for d in record.attachments],
        "attached_to": [_related_summary(request, d) for d in record.attached_to],
        "citation": {"chicago": citation.chicago(), **_citation_files(request, document.record_id)},
    }


def tombstone(request, record: DocumentRecord) -> dict:
    document = record.document
    return {
        "record_id": document.record_id,
        "title": document.title,
        "status": document.status,
        "withdrawn_at": document.withdrawn_at,
        "reason": document.withdrawal_reason,
        "permalink": permalink(request, document.record_id),
        "citation": citation_for(request, record).chicago(),
        "error": "gone",
        "detail": "This document has been withdrawn.",
    }
