"""Scans as archivists upload them through the admin and as the site serves them back.

Issue 13, items 1 and 5: what a scan is and how it is served follow from its bytes, never from
the uploaded name, so nothing uploaded runs script on the site's origin; staff who may view
scans see those of drafts (admin thumbnails, file links, the preview page), readers do not;
and the request body is capped before it is read.
"""

import importlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from PIL import Image
from pypdf import PdfReader

from archive.models import Document, Scan
from tests import factories
from tests.archive import pdf_files
from tests.curation.admin_forms import admin_form_data
from tests.curation.conftest import archivist, client_for, editor  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SCAN_ADD_URL = reverse("admin:archive_scan_add")
SCAN_CHANGELIST_URL = reverse("admin:archive_scan_changelist")


def jpeg_bytes(size=(300, 400), colour=(230, 225, 210)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def three_page_tiff() -> bytes:
    pages = [Image.new("RGB", (120, 160), colour) for colour in ("red", "green", "blue")]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    return buf.getvalue()


@pytest.fixture
def archivist_client(archivist):  # noqa: F811
    return client_for(archivist)


@pytest.fixture
def draft(db):
    return factories.DocumentFactory(title="Telegram still in draft")


def upload_in_scan_admin(client, document, name: str, content: bytes, *, position: int = 1):
    """The admin's "Add scan" form, as an archivist fills it in."""
    return client.post(
        SCAN_ADD_URL,
        {
            "document": document.pk,
            "position": position,
            "file": SimpleUploadedFile(name, content, "application/octet-stream"),
            "label": "",
            "alt_text": "The first page",
        },
    )


def upload_in_document_admin(client, document, name: str, content: bytes):
    """A new row in the scans inline of the document's change form, saved with the rest."""
    url = reverse("admin:archive_document_change", args=[document.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "scans-TOTAL_FORMS": "1",
            "scans-0-position": "1",
            "scans-0-file": SimpleUploadedFile(name, content, "text/html"),
            "scans-0-alt_text": "The whole cable",
        },
    )
    return client.post(url, data)


def _anonymous() -> Client:
    return Client()


def served(client, scan: Scan, variant: str = "", **query):
    url = reverse("archive:scan", args=[scan.document.record_id, scan.position])
    if variant:
        url = reverse(
            "archive:scan_variant", args=[scan.document.record_id, scan.position, variant]
        )
    response = client.get(url, query)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def assert_safe_headers(response, content_type: str) -> None:
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [p.strip() for p in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy


# -- stored name and served type come from the bytes -----------------------------------------


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("poly.html", pdf_files.HTML_PAYLOAD),
        ("drawing.svg", pdf_files.SVG_PAYLOAD),
        ("viewer.js", pdf_files.JS_PAYLOAD),
    ],
)
def test_a_polyglot_is_stored_and_served_as_the_pdf_it_is(archivist_client, draft, name, payload):
    content = pdf_files.polyglot(payload)
    response = upload_in_scan_admin(archivist_client, draft, name, content)
    assert response.status_code == 302, response.context and response.context["errors"]

    scan = Scan.objects.get()
    stem = name.rsplit(".", 1)[0]
    assert re.fullmatch(rf"scans/\d{{4}}/\d{{2}}/{stem}(_\w+)?\.pdf", scan.file.name)
    assert scan.kind == Scan.Kind.PDF

    Document.objects.filter(pk=draft.pk).update(status=Document.Status.PUBLISHED)
    response, body = served(_anonymous(), scan)
    assert response.status_code == 200
    assert body == content  # an original of record is kept byte for byte
    assert_safe_headers(response, "application/pdf")
    assert response["Content-Disposition"] == (
        f'inline; filename="document-{draft.record_id}-scan-1.pdf"'
    )
    response, _ = served(_anonymous(), scan, download="1")
    assert response["Content-Disposition"] == (
        f'attachment; filename="document-{draft.record_id}-scan-1.pdf"'
    )
    assert_safe_headers(response, "application/pdf")


def test_a_pdf_with_open_action_javascript_is_refused_with_the_reason(archivist_client, draft):
    response = upload_in_document_admin(
        archivist_client, draft, "cable.pdf", pdf_files.open_action_javascript_pdf()
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]["file"]
    assert "active content" in errors[0] and "/JS" in errors[0]
    assert not Scan.objects.exists()


def test_svg_and_script_files_are_refused(archivist_client, draft):
    svg = b'<?xml version="1.0"?>' + pdf_files.SVG_PAYLOAD
    script_with_pdf_markers = b"%PDF-1.7\n" + pdf_files.JS_PAYLOAD + b"\n%%EOF\n"
    for name, content in (("drawing.svg", svg), ("viewer.js", script_with_pdf_markers)):
        response = upload_in_scan_admin(archivist_client, draft, name, content)
        assert response.status_code == 200, name
        assert response.context["adminform"].form.errors["file"], name
    assert not Scan.objects.exists()


def test_a_three_page_tiff_keeps_every_page_as_a_pdf(archivist_client, draft):
    response = upload_in_document_admin(archivist_client, draft, "letter.tiff", three_page_tiff())
    assert response.status_code == 302

    scan = Scan.objects.get()
    assert scan.kind == Scan.Kind.PDF
    assert re.fullmatch(r"scans/\d{4}/\d{2}/letter(_\w+)?\.pdf", scan.file.name)
    assert scan.thumbnail  # from the first page, for the admin's lists
    response, body = served(archivist_client, scan)
    assert_safe_headers(response, "application/pdf")
    assert len(PdfReader(io.BytesIO(body)).pages) == 3


def test_an_image_named_html_is_stored_and_served_as_jpeg(archivist_client, draft):
    response = upload_in_scan_admin(archivist_client, draft, "page.html", jpeg_bytes())
    assert response.status_code == 302
    scan = Scan.objects.get()
    assert scan.file.name.endswith(".jpg")
    for variant in ("", "web", "thumbnail"):
        response, body = served(archivist_client, scan, variant)
        assert_safe_headers(response, "image/jpeg")
        assert body.startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize(
    ("content", "content_type", "disposition"),
    [
        (pdf_files.polyglot(pdf_files.HTML_PAYLOAD), "application/pdf", "inline"),
        (
            b"<html><script>alert(document.domain)</script></html>",
            "application/octet-stream",
            "attachment",
        ),
    ],
    ids=["pdf-bytes", "html-bytes"],
)
def test_a_scan_stored_before_these_rules_is_served_by_its_bytes(
    content, content_type, disposition
):
    """A file stored under an .html name (as uploads were) is served as what its bytes are;
    bytes of no scan kind are only ever a download."""
    name = default_storage.save("scans/2025/01/poly.html", ContentFile(content))
    document = factories.PublishedDocumentFactory()
    scan = Scan.objects.create(document=document, position=1, file=name, kind=Scan.Kind.PDF)

    response, body = served(_anonymous(), scan)
    assert body == content
    assert_safe_headers(response, content_type)
    assert response["Content-Disposition"].startswith(f"{disposition}; ")
    assert ".html" not in response["Content-Disposition"]


# -- staff see the scans of drafts; readers do not -----------------------------------------------


@pytest.fixture
def draft_scans(draft):
    image = factories.ScanFactory(document=draft, position=1)
    pdf = factories.ScanFactory(document=draft, position=2, file=factories.pdf_upload())
    return image, pdf


@pytest.mark.parametrize("who", ["archivist", "editor"])
def test_staff_see_every_file_of_a_draft_and_readers_get_404(request, draft_scans, who):
    staff = client_for(request.getfixturevalue(who))
    image, pdf = draft_scans
    for scan, variant, content_type in [
        (image, "", "image/jpeg"),  # an opaque PNG is re-encoded as JPEG
        (image, "web", "image/jpeg"),
        (image, "thumbnail", "image/jpeg"),
        (pdf, "", "application/pdf"),
    ]:
        response, _ = served(staff, scan, variant)
        assert response.status_code == 200, (scan, variant)
        assert_safe_headers(response, content_type)
        assert response["Cache-Control"] == "private, no-store"
        assert served(_anonymous(), scan, variant)[0].status_code == 404

    for variant in ("original", "web", "thumbnail"):
        url = reverse("archive:scan_staff", args=[image.pk, variant])
        assert staff.get(url).status_code == 200
        assert _anonymous().get(url).status_code == 404


def test_staff_without_view_permission_get_404(draft_scans):
    outsider = client_for(factories.UserFactory(username="intern", is_staff=True))
    image, _ = draft_scans
    assert served(outsider, image)[0].status_code == 404
    url = reverse("archive:scan_staff", args=[image.pk, "thumbnail"])
    assert outsider.get(url).status_code == 404


def _ok(client, url: str) -> bool:
    response = client.get(url)
    if response.status_code == 200 and hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code == 200


def test_admin_inline_shows_thumbnails_and_a_working_currently_link(archivist_client, draft_scans):
    image, pdf = draft_scans
    response = archivist_client.get(
        reverse("admin:archive_document_change", args=[draft_scans[0].document.pk])
    )
    html = response.text
    thumbnail = reverse("archive:scan_staff", args=[image.pk, "thumbnail"])
    assert f'src="{thumbnail}"' in html
    for scan in (image, pdf):
        original = reverse("archive:scan_staff", args=[scan.pk, "original"])
        # The file widget's "Currently:" link and the preview link.
        assert re.search(rf'Currently:\s*<a href="{original}"', html), scan
        assert _ok(archivist_client, original)
    assert "/media/" not in html
    assert _ok(archivist_client, thumbnail)


def test_scan_changelist_shows_thumbnails_staff_can_load(archivist_client, draft_scans):
    image, _ = draft_scans
    html = archivist_client.get(SCAN_CHANGELIST_URL).text
    thumbnail = reverse("archive:scan_staff", args=[image.pk, "thumbnail"])
    assert f'src="{thumbnail}"' in html
    assert "/media/" not in html
    assert _ok(archivist_client, thumbnail)


def test_preview_of_a_draft_for_staff_only(archivist_client, draft_scans):
    draft = draft_scans[0].document
    url = reverse("archive:document_preview", args=[draft.record_id])
    response = archivist_client.get(url)
    assert response.status_code == 200
    assert "Preview, not public" in response.text
    assert draft.title in response.text
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    scan_urls = re.findall(r'(?:src|data)="(/documents/\d+/scans/[^"]+)"', response.text)
    assert len(scan_urls) == 2
    assert all(_ok(archivist_client, scan_url) for scan_url in scan_urls)
    # The document's change page links to it.
    change = archivist_client.get(reverse("admin:archive_document_change", args=[draft.pk]))
    assert f'href="{url}"' in change.text
    # and so does its "View on site", which for a draft has no public page to open.
    assert f'<a href="{url}" class="viewsitelink">' in change.text

    assert _anonymous().get(url).status_code == 404
    assert _anonymous().get(draft.get_absolute_url()).status_code == 404


# -- /media/ serves no scan under any spelling -------------------------------------------------


@pytest.fixture
def debug_urls(settings):
    """The URLconf as a development site (DEBUG) builds it, which serves media."""
    import config.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(config.urls)


def test_media_serves_public_folders_and_no_spelling_of_a_scan(draft_scans, debug_urls):
    image, pdf = draft_scans
    collection = factories.CollectionFactory(image=factories.png_upload())
    funder = factories.FunderFactory(logo=factories.png_upload("logo.png"))
    client = _anonymous()
    assert _ok(client, f"/media/{collection.image.name}")
    assert _ok(client, f"/media/{funder.logo.name}")

    for name in (pdf.file.name, image.file.name, image.thumbnail.name):
        rest = name.removeprefix("scans/")
        for spelling in (
            f"/media/{name}",
            f"/media//{name}",
            f"/media/./{name}",
            f"/media/collections/../{name}",
            f"/media/Scans/{rest}",
            f"/media/%2F{name}",
            f"/media/scans%2F{rest}",
            f"/media/.%2F{name}",
        ):
            assert client.get(spelling).status_code == 404, spelling


# -- the request body is capped before it is read ---------------------------------------------


class BodyThatMustNotBeRead(io.RawIOBase):
    """A request body that fails the test if more than a few bytes of it are read."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.read_bytes += len(buffer)
        if self.read_bytes > 64 * 1024:
            raise AssertionError("the 200 MB body is being read")
        buffer[:] = b"x" * len(buffer)
        return len(buffer)


def test_a_200_mb_upload_is_refused_unread(archivist_client, draft):
    body = BodyThatMustNotBeRead()
    response = archivist_client.generic(
        "POST",
        SCAN_ADD_URL,
        b"",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(200 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "200 MB" in response.text and "50 MB" in response.text
    assert body.read_bytes == 0
    assert not Scan.objects.exists()


def test_the_cap_is_one_upload_plus_its_form(archivist_client, draft, settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 30_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    small = jpeg_bytes((100, 100))
    assert len(small) < 30_000
    response = upload_in_scan_admin(archivist_client, draft, "page.jpg", small)
    assert response.status_code == 302

    response = upload_in_scan_admin(archivist_client, draft, "big.bin", b"\0" * 60_000, position=2)
    assert response.status_code == 413
    assert Scan.objects.count() == 1
