"""The document page, its tombstone, its citation downloads and its scan files."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from archive import selectors
from archive.citations import Citation, json_ld_script
from archive.models import Document
from archive.views.caching import with_validators

CITATION_FORMATS = {
    # extension: (content type, Citation method)
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bib": ("application/x-bibtex; charset=utf-8", "bibtex"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "csl_json"),
}

SCAN_VARIANTS = ("original", "web", "thumbnail")


def _citation(request, record: selectors.DocumentRecord) -> Citation:
    permalink = reverse("archive:document_redirect", args=[record.document.record_id])
    return Citation(
        record=record,
        permalink=request.build_absolute_uri(permalink),
        archive_name=settings.DOSSIER_ARCHIVE_NAME,
    )


def _record_or_404(record_id: int) -> selectors.DocumentRecord:
    record = selectors.document_record(record_id)
    if record is None:
        raise Http404("No published document has this record ID.")
    return record


@require_safe
def document_redirect(request, record_id: int):
    """The permalink: the record ID alone, redirecting to the page with its current slug."""
    public = [Document.Status.PUBLISHED, Document.Status.WITHDRAWN]
    document = get_object_or_404(
        Document.objects.only("record_id", "slug"), record_id=record_id, status__in=public
    )
    return redirect(document)


@require_safe
def document_detail(request, record_id: int, slug: str):
    record = _record_or_404(record_id)
    document = record.document
    if document.slug != slug:
        return redirect(document, permanent=True)
    citation = _citation(request, record)
    if document.status == Document.Status.WITHDRAWN:
        return render(
            request,
            "archive/document_withdrawn.html",
            {"document": document, "citation": citation},
            status=410,
        )
    scan_urls = [
        request.build_absolute_uri(
            reverse("archive:scan", args=[document.record_id, scan.position])
        )
        for scan in record.scans
    ]
    pdf_url = next(
        (url for url, scan in zip(scan_urls, record.scans, strict=True) if not scan.is_image), ""
    )
    page_url = request.build_absolute_uri(document.get_absolute_url())
    response = render(
        request,
        "archive/document_detail.html",
        {
            "record": record,
            "document": document,
            "citation": citation,
            "meta_tags": citation.meta_tags(pdf_url=pdf_url),
            "json_ld": json_ld_script(citation.json_ld(page_url=page_url, scan_urls=scan_urls)),
            "page_url": page_url,
        },
    )
    return with_validators(request, response, last_modified=record.last_modified)


@require_safe
def document_citation(request, record_id: int, fmt: str):
    """The citation as a file for reference managers: RIS, BibTeX or CSL-JSON."""
    if fmt not in CITATION_FORMATS:
        raise Http404("Citations come as .ris, .bib or .json.")
    record = _record_or_404(record_id)
    if record.document.status != Document.Status.PUBLISHED:
        raise Http404("Withdrawn documents have no citation downloads.")
    content_type, method = CITATION_FORMATS[fmt]
    citation = _citation(request, record)
    response = HttpResponse(getattr(citation, method)(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citation.filename}.{fmt}"'
    return response


@require_safe
@xframe_options_sameorigin  # the page shows PDFs in an <object> of the same site
def scan_file(request, record_id: int, position: int, variant: str = "original"):
    """A scan file, only while its document is published (MEDIA_URL does not serve scans)."""
    scan = selectors.scan_for_reader(record_id, position)
    if scan is None or variant not in SCAN_VARIANTS:
        raise Http404("No published scan here.")
    field = {"original": scan.file, "web": scan.web_image, "thumbnail": scan.thumbnail}[variant]
    if not field:
        raise Http404("This scan has no such image.")
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The scan's file is missing.") from missing
    extension = field.name.rsplit(".", 1)[-1].lower() if "." in field.name else "bin"
    suffix = "" if variant == "original" else f"-{variant}"
    response = FileResponse(
        handle,
        as_attachment="download" in request.GET,
        filename=f"document-{record_id}-scan-{position}{suffix}.{extension}",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
