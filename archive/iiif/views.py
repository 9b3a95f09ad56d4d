"""IIIF endpoints: manifests, collections, the level-0 image service and the text
alternatives a manifest links to. Published material only; every answer carries
`Access-Control-Allow-Origin: *` so viewers on other sites can load it."""

import functools
import json

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive import selectors
from archive.iiif import manifests, tiles
from archive.models import Document, Scan, Transcript, Translation
from archive.views.caching import with_validators

IIIF_JSON = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
IMAGE_JSON = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
# Tiles and info.json live under a folder named by the stored file: they never change.
IMMUTABLE = "public, max-age=31536000, immutable"


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def iiif_endpoint(view):
    """GET/HEAD only, with CORS on every answer, a 404 included (a viewer elsewhere can then
    tell "not here" from a network error)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return _cors(view(request, *args, **kwargs))
        except Http404 as missing:
            return _cors(
                HttpResponseNotFound(str(missing), content_type="text/plain; charset=utf-8")
            )

    return require_safe(wrapper)


def _json(request, data: dict, *, content_type: str, last_modified=None):
    response = JsonResponse(
        data, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    return _cors(with_validators(request, response, last_modified=last_modified))


def _published_record(record_id: int) -> selectors.DocumentRecord:
    record = selectors.document_record(record_id)
    if record is None or record.document.status != Document.Status.PUBLISHED:
        raise Http404("No published document has this record ID.")
    return record


@iiif_endpoint
def manifest(request, record_id: int):
    record = _published_record(record_id)
    if not record.scans:
        raise Http404("This document has no scans.")
    data = manifests.document_manifest(record, url=request.build_absolute_uri)
    return _json(request, data, content_type=IIIF_JSON, last_modified=record.last_modified)


@iiif_endpoint
def collection(request, slug: str):
    found = selectors.active_collections().filter(slug=slug).select_related("parent").first()
    if found is None:
        raise Http404("No such collection.")
    data = manifests.collection_manifest(found, url=request.build_absolute_uri)
    return _json(request, data, content_type=IIIF_JSON)


@iiif_endpoint
def top_collection(request):
    return _json(
        request, manifests.top_collection(url=request.build_absolute_uri), content_type=IIIF_JSON
    )


def _published_image(scan_id: int, key: str) -> tuple[Scan, int | None]:
    """The scan (of a published document) and PDF page an image service key names; the key
    must name the scan's current file."""
    version, _, page_text = key.partition("-")
    page = int(page_text) if page_text.isdigit() else None
    scan = (
        Scan.objects.filter(pk=scan_id, document__status=Document.Status.PUBLISHED)
        .only("id", "kind", "file", "file_size", "position", "document_id")
        .first()
    )
    if (
        scan is None
        or tiles.version_of(scan.file.name) != version
        or (page_text and page is None)
        or scan.is_image != (page is None)
    ):
        raise Http404("No published image here.")
    return scan, page


@iiif_endpoint
def image_base(request, scan_id: int, key: str):
    """The service's id: the Image API says it redirects to its info.json."""
    return _cors(
        HttpResponsePermanentRedirect(reverse("archive:iiif_image_info", args=[scan_id, key]))
    )


@iiif_endpoint
def image_info(request, scan_id: int, key: str):
    scan, page = _published_image(scan_id, key)
    description = tiles.ensure_derivatives(scan=scan, page=page)
    if description is None:
        raise Http404("This image has no tiles.")
    service_id = manifests.image_service_id(scan, request.build_absolute_uri, page=page)
    response = HttpResponse(
        json.dumps({"@context": description.pop("@context"), "id": service_id, **description}),
        content_type=IMAGE_JSON,
    )
    # Short: publication may end; the tiles themselves never change.
    response["Cache-Control"] = "public, max-age=300"
    return _cors(response)


@iiif_endpoint
def image_tile(request, scan_id: int, key: str, tile: str):
    if not tiles.TILE_PATH.match(tile):
        raise Http404("A level-0 service has only the tiles and sizes its info.json lists.")
    scan, page = _published_image(scan_id, key)
    if tiles.ensure_derivatives(scan=scan, page=page) is None:
        raise Http404("This image has no tiles.")
    folder = tiles.folder_of(scan_id=scan.id, file_name=scan.file.name, page=page)
    try:
        handle = tiles.default_storage.open(f"{folder}/{tile}", "rb")
    except FileNotFoundError as missing:
        raise Http404("No such tile.") from missing
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = IMMUTABLE
    response["X-Content-Type-Options"] = "nosniff"
    return _cors(response)


def _text_page(request, *, document: Document, label: str, language: str, body: str):
    response = render(
        request,
        "archive/iiif/text.html",
        {"document": document, "label": label, "language": language, "body": body},
    )
    return _cors(response)


@iiif_endpoint
def translation_text(request, record_id: int, pk: int):
    """An approved translation on its own: a text alternative a manifest links to."""
    translation = (
        Translation.objects.public()
        .filter(pk=pk, document__record_id=record_id, document__status=Document.Status.PUBLISHED)
        .select_related("document", "language")
        .first()
    )
    if translation is None:
        raise Http404("No published translation here.")
    label = f"{translation.language.name} translation"
    return _text_page(
        request,
        document=translation.document,
        label=label,
        language=translation.language.code,
        body=translation.approved_body,
    )


@iiif_endpoint
def transcript_text(request, record_id: int, language: str):
    transcript = (
        Transcript.objects.filter(
            document__record_id=record_id,
            document__status=Document.Status.PUBLISHED,
            language__code=language,
        )
        .select_related("document", "language")
        .first()
    )
    if transcript is None:
        raise Http404("No published transcript here.")
    label = f"Original transcript ({transcript.language.name})"
    return _text_page(
        request, document=transcript.document, label=label, language=language, body=transcript.body
    )
