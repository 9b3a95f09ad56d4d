"""IIIF Presentation 3.0 manifests and collections, built as plain dicts from the same
selectors the public pages use (so only published material ever appears).

Canvas unit: pixels. An image scan's canvas has the image's own pixel size; a PDF page's
canvas has the page's size (its MediaBox, in points, turned as /Rotate says) at 150 dpi,
the resolution its image is rendered at (archive/iiif/tiles.py). Every PDF page's canvas
also links to that page of the PDF; a page too large to render keeps only that link.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from archive import selectors
from archive.iiif import tiles
from archive.models import Collection, Document, Scan

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
# The spec allows `rights` only for Creative Commons and RightsStatements.org URIs, and
# writes them with http://.
RIGHTS_URI = re.compile(
    r"^https?://(creativecommons\.org/(licenses|publicdomain)/|rightsstatements\.org/vocab/)"
)

Absolute = Callable[[str], str]  # a site path -> an absolute URL


def _text(value: str, language: str = "none") -> dict[str, list[str]]:
    return {language: [value]}


def _en(value: str) -> dict[str, list[str]]:
    return _text(value, "en")


def _pair(label: str, values: list[str]) -> dict:
    return {"label": _en(label), "value": {"none": values}}


def rights_uri(url: str) -> str | None:
    """The statement's URL when it is one the spec allows, in the http:// form it requires."""
    if not url or not RIGHTS_URI.match(url):
        return None
    return "http://" + url.split("://", 1)[1]


def _metadata(record: selectors.DocumentRecord) -> list[dict]:
    document, provenance = record.document, record.provenance
    rows = [("Date", [document.date_display])]
    if document.document_type:
        rows.append(("Document type", [document.document_type.name]))
    rows += [
        ("Created by", [agent.name for agent in record.creators]),
        ("Addressed to", [agent.name for agent in record.recipients]),
        ("Original language", [language.name for language in record.languages]),
        ("Associated places", [place.name for place in record.places]),
        ("Associated topics", [topic.name for topic in record.topics]),
        ("Collections", [collection.title for collection in record.collections]),
    ]
    if provenance:
        rows += [
            ("Archival reference", [provenance.archival_reference]),
            ("Repository", [provenance.repository.name] if provenance.repository else []),
            ("Published source", [provenance.published_source]),
        ]
    rows += [
        ("Translations", [t.credit() or t.language.name for t in record.translations]),
        (
            "Original classification",
            [document.classification.name] if document.classification else [],
        ),
        ("Rights", [document.rights_statement.name] if document.rights_statement else []),
        ("Record ID", [str(document.record_id)]),
    ]
    if document.first_published_at:
        rows.append(("Original uploaded date", [document.first_published_at.date().isoformat()]))
    return [_pair(label, values) for label, values in rows if any(values)]


def _required_statement(record: selectors.DocumentRecord) -> dict:
    credits = [funder.credit_line or f"Funded by {funder.name}" for funder in record.funders]
    return _pair("Attribution", [settings.DOSSIER_ARCHIVE_NAME, *credits])


def _text_alternatives(record: selectors.DocumentRecord, url: Absolute) -> list[dict]:
    """The transcript and approved translations, each as an HTML page of its own."""
    record_id = record.document.record_id
    texts = []
    for translation in record.translations:
        path = reverse("archive:iiif_translation_text", args=[record_id, translation.pk])
        label = f"{translation.language.name} translation"
        texts.append((path, label, translation.language.code))
    for transcript in record.transcripts:
        path = reverse("archive:iiif_transcript_text", args=[record_id, transcript.language.code])
        label = f"Original transcript ({transcript.language.name})"
        texts.append((path, label, transcript.language.code))
    return [
        {
            "id": url(path),
            "type": "Text",
            "label": _en(label),
            "format": "text/html",
            "language": [code],
        }
        for path, label, code in texts
    ]


def _scan_url(document: Document, scan: Scan, url: Absolute, variant: str = "") -> str:
    if variant:
        return url(
            reverse("archive:scan_variant", args=[document.record_id, scan.position, variant])
        )
    return url(reverse("archive:scan", args=[document.record_id, scan.position]))


def image_service_id(scan: Scan, url: Absolute, page: int | None = None) -> str:
    key = tiles.key_of(file_name=scan.file.name, page=page)
    return url(reverse("archive:iiif_image", args=[scan.id, key]))


def _painting_page(canvas_id: str, body: dict) -> list[dict]:
    annotation = {
        "id": f"{canvas_id}/page/image",
        "type": "Annotation",
        "motivation": "painting",
        "body": body,
        "target": canvas_id,
    }
    return [{"id": f"{canvas_id}/page", "type": "AnnotationPage", "items": [annotation]}]


def _image_canvas(document: Document, scan: Scan, canvas_id: str, url: Absolute) -> dict:
    body = {
        "id": _scan_url(document, scan, url),
        "type": "Image",
        "format": mimetypes.guess_type(scan.file.name)[0] or "image/jpeg",
        "width": scan.width,
        "height": scan.height,
        "service": [
            {"id": image_service_id(scan, url), "type": "ImageService3", "profile": "level0"}
        ],
    }
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": _en(str(scan)),
        "width": scan.width,
        "height": scan.height,
        "items": _painting_page(canvas_id, body),
    }
    if scan.thumbnail:
        canvas["thumbnail"] = [
            {
                "id": _scan_url(document, scan, url, "thumbnail"),
                "type": "Image",
                "format": "image/jpeg",
            }
        ]
    if scan.alt_text:
        canvas["summary"] = _en(scan.alt_text)
    return canvas


def _pdf_canvases(document: Document, scan: Scan, base: str, url: Absolute) -> list[dict]:
    pdf = _scan_url(document, scan, url)
    try:
        sizes = tiles.pdf_page_sizes(scan)
    except OSError:
        return []
    pages = len(sizes)
    canvases = []
    for number, (width, height) in enumerate(sizes, start=1):
        canvas_id = f"{base}/canvas/{scan.position}-{number}"
        label = f"{scan}, page {number} of {pages}" if pages > 1 else str(scan)
        service = image_service_id(scan, url, page=number)
        body = {
            "id": f"{service}/full/max/0/default.jpg",
            "type": "Image",
            "format": "image/jpeg",
            "width": width,
            "height": height,
            "service": [{"id": service, "type": "ImageService3", "profile": "level0"}],
        }
        painted = tiles.renderable(width, height)
        canvases.append(
            {
                "id": canvas_id,
                "type": "Canvas",
                "label": _en(label),
                "width": width,
                "height": height,
                "items": _painting_page(canvas_id, body)
                if painted
                else [{"id": f"{canvas_id}/page", "type": "AnnotationPage", "items": []}],
                "rendering": [
                    {
                        "id": f"{pdf}#page={number}",
                        "type": "Text",
                        "label": _en(f"Page {number} of the PDF"),
                        "format": "application/pdf",
                    }
                ],
            }
        )
    return canvases


def document_manifest(record: selectors.DocumentRecord, *, url: Absolute) -> dict:
    document = record.document
    manifest_id = url(reverse("archive:iiif_manifest", args=[document.record_id]))
    base = manifest_id.removesuffix("/manifest.json")
    canvases = []
    for scan in record.scans:
        if scan.is_image and scan.width and scan.height:
            canvases.append(_image_canvas(document, scan, f"{base}/canvas/{scan.position}", url))
        elif not scan.is_image:
            canvases.extend(_pdf_canvases(document, scan, base, url))
    manifest = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": _en(document.title),
        "metadata": _metadata(record),
        "requiredStatement": _required_statement(record),
        "provider": [
            {
                "id": url(reverse("archive:home")),
                "type": "Agent",
                "label": _en(settings.DOSSIER_ARCHIVE_NAME),
                "homepage": [
                    {
                        "id": url(reverse("archive:home")),
                        "type": "Text",
                        "label": _en(settings.DOSSIER_ARCHIVE_NAME),
                        "format": "text/html",
                    }
                ],
            }
        ],
        "homepage": [
            {
                "id": url(document.get_absolute_url()),
                "type": "Text",
                "label": _en(document.title),
                "format": "text/html",
            }
        ],
        "seeAlso": [
            {
                "id": url(reverse("archive:document_citation", args=[document.record_id, "json"])),
                "type": "Dataset",
                "label": _en("Citation (CSL-JSON)"),
                "format": "application/vnd.citationstyles.csl+json",
            }
        ],
        "rendering": [
            {
                "id": _scan_url(document, scan, url),
                "type": "Text",
                "label": _en(f"{scan} (PDF)"),
                "format": "application/pdf",
            }
            for scan in record.pdf_scans
        ]
        + _text_alternatives(record, url),
        "partOf": [
            {"id": url(reverse("archive:iiif_collection", args=[c.slug])), "type": "Collection"}
            for c in record.collections
        ],
        "items": canvases,
    }
    if document.summary:
        manifest["summary"] = _en(document.summary)
    rights = rights_uri(document.rights_statement.url if document.rights_statement else "")
    if rights:
        manifest["rights"] = rights
    if canvases and "thumbnail" in canvases[0]:
        manifest["thumbnail"] = canvases[0]["thumbnail"]
    return {key: value for key, value in manifest.items() if value != []}


def _manifest_reference(document: Document, url: Absolute) -> dict:
    return {
        "id": url(reverse("archive:iiif_manifest", args=[document.record_id])),
        "type": "Manifest",
        "label": _en(document.title),
    }


def _collection_reference(collection: Collection, url: Absolute) -> dict:
    return {
        "id": url(reverse("archive:iiif_collection", args=[collection.slug])),
        "type": "Collection",
        "label": _en(collection.title),
    }


def documents_with_scans():
    return (
        selectors.published_documents()
        .filter(scans__isnull=False)
        .distinct()
        .only("record_id", "title")
        .order_by("date_earliest", "record_id")
    )


def collection_manifest(collection: Collection, *, url: Absolute) -> dict:
    """A collection's sub-collections, then its published documents that have scans."""
    children = (
        selectors.active_collections().filter(parent=collection).order_by("position", "title")
    )
    documents = documents_with_scans().filter(collections=collection)
    result = {
        "@context": PRESENTATION_CONTEXT,
        "id": url(reverse("archive:iiif_collection", args=[collection.slug])),
        "type": "Collection",
        "label": _en(collection.title),
        "homepage": [
            {
                "id": url(collection.get_absolute_url()),
                "type": "Text",
                "label": _en(collection.title),
                "format": "text/html",
            }
        ],
        "requiredStatement": _pair("Attribution", [settings.DOSSIER_ARCHIVE_NAME]),
        "items": [_collection_reference(child, url) for child in children]
        + [_manifest_reference(document, url) for document in documents],
    }
    if collection.short_description:
        result["summary"] = _en(strip_tags(collection.short_description))
    parent = collection.parent if collection.parent_id and collection.parent.active else None
    result["partOf"] = [
        {
            "id": url(reverse("archive:iiif_collection", args=[parent.slug]))
            if parent
            else url(reverse("archive:iiif_top_collection")),
            "type": "Collection",
        }
    ]
    return result


def top_collection(*, url: Absolute) -> dict:
    """The archive: its top-level collections, then the documents with scans in none."""
    roots = selectors.active_collections().filter(parent__isnull=True).order_by("position", "title")
    uncollected = documents_with_scans().exclude(collections__in=selectors.active_collections())
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": url(reverse("archive:iiif_top_collection")),
        "type": "Collection",
        "label": _en(settings.DOSSIER_ARCHIVE_NAME),
        "requiredStatement": _pair("Attribution", [settings.DOSSIER_ARCHIVE_NAME]),
        "homepage": [
            {
                "id": url(reverse("archive:home")),
                "type": "Text",
                "label": _en(settings.DOSSIER_ARCHIVE_NAME),
                "format": "text/html",
            }
        ],
        "items": [_collection_reference(c, url) for c in roots]
        + [_manifest_reference(d, url) for d in uncollected],
    }
