"""The document page, its tombstone, its citation downloads and its scan files."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from archive import reading, selectors
from archive.citations import Citation, json_ld_script
from archive.models import Document, Scan
from archive.uploads import UNKNOWN_FILE_TYPE, file_type
from archive.views.caching import with_validators
from archive.views.versions import CITATION_FORMATS, current_versions

SCAN_VARIANTS = ("original", "web", "thumbnail")
# A scan opened on its own is a sandboxed document with no origin: no script runs (no
# allow-scripts) and nothing loads (default-src 'none'). Chromium's PDF viewer still shows PDFs
# under it, inline and in the page's <object>; inline style is allowed only for the browser's
# own image viewer (which centres the picture with it), and style runs no code.
SCAN_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


def _citation(request, record: selectors.DocumentRecord) -> Citation:
    permalink = reverse("archive:document_redirect", args=[record.document.record_id])
    return Citation(
        record=record,
        permalink=request.build_absolute_uri(permalink),
        archive_name=settings.DOSSIER_ARCHIVE_NAME,
        versions=current_versions(request, record),
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
    return _redirect_keeping_query(request, document)


def _redirect_keeping_query(request, document: Document, *, permanent: bool = False):
    """To the document's page, keeping the reader's choice of panes (?left=…&right=…)."""
    url = document.get_absolute_url()
    if request.GET:
        url += "?" + request.GET.urlencode()
    return redirect(url, permanent=permanent)


@require_safe
def document_detail(request, record_id: int, slug: str):
    record = _record_or_404(record_id)
    document = record.document
    if request.path != document.get_absolute_url():  # an old slug, or a record ID of 007
        return _redirect_keeping_query(request, document, permanent=True)
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
            "reader": reading.reader(record, request.GET),
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


def can_view_scans(user) -> bool:
    """Staff who may view scans see those of every document, drafts included."""
    return user.is_active and user.is_staff and user.has_perm("archive.view_scan")


def _serve_scan(request, scan: Scan, variant: str, *, public: bool) -> FileResponse:
    """A scan file with headers fixed by what its bytes are, never by its stored name (files
    stored before that rule may be named anything): the type of its kind, nosniff, and a
    sandbox so that nothing inside it runs with the site's origin even if opened directly."""
    field = {"original": scan.file, "web": scan.web_image, "thumbnail": scan.thumbnail}[variant]
    if not field:
        raise Http404("This scan has no such image.")
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The scan's file is missing.") from missing
    kind = file_type(handle)
    suffix = "" if variant == "original" else f"-{variant}"
    response = FileResponse(
        handle,
        # Bytes of no kind Dossier knows are only ever offered as a download.
        as_attachment="download" in request.GET or kind == UNKNOWN_FILE_TYPE,
        filename=f"document-{scan.document.record_id}-scan-{scan.position}{suffix}"
        f".{kind.extension}",
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SCAN_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@require_safe
@xframe_options_sameorigin  # the page shows PDFs in an <object> of the same site
def scan_file(request, record_id: int, position: int, variant: str = "original"):
    """A scan file: to everyone while its document is published, and to staff who may view
    scans whatever its state (the preview of a draft's page uses the same URLs)."""
    if variant not in SCAN_VARIANTS:
        raise Http404("No such scan file.")
    scan = selectors.scan_for_reader(record_id, position)
    if scan is not None:
        return _serve_scan(request, scan, variant, public=True)
    if can_view_scans(request.user):
        scan = selectors.scan_for_staff(record_id=record_id, position=position)
        if scan is not None:
            return _serve_scan(request, scan, variant, public=False)
    raise Http404("No published scan here.")


@require_safe
@xframe_options_sameorigin
def scan_staff(request, pk: int, variant: str):
    """A scan by its id, for the admin (its file links and thumbnails): staff only."""
    if variant not in SCAN_VARIANTS or not can_view_scans(request.user):
        raise Http404("No such scan file.")
    scan = selectors.scan_for_staff(pk=pk)
    if scan is None:
        raise Http404("No such scan file.")
    return _serve_scan(request, scan, variant, public=False)


@require_safe
def document_preview(request, record_id: int):
    """The reader's page of any document, drafts included, as it would look published, for
    staff who may view documents; marked as a preview, never cached, never indexed."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("archive.view_document")):
        raise Http404("No published document has this record ID.")
    record = selectors.document_record(record_id, any_status=True)
    if record is None:
        raise Http404("No document has this record ID.")
    document = record.document
    citation = _citation(request, record)
    response = render(
        request,
        "archive/document_preview.html",
        {
            "record": record,
            "reader": reading.reader(record, request.GET),
            "document": document,
            "citation": citation,
            "page_url": request.build_absolute_uri(document.get_absolute_url()),
            "is_preview": True,
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
