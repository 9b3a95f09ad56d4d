"""An archivist attaches a scan to a draft in the admin, sees its thumbnail there and the
draft's page in preview; a reader still finds neither (issue 13, item 5). A reader's browser
shows scans but runs nothing inside them (item 1)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from curation.roles import ARCHIVIST
from tests import factories
from tests.archive import pdf_files
from tests.e2e.axe import format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"


def jpeg_page() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 800), (235, 228, 210)).save(buf, "JPEG")
    return buf.getvalue()


def image_loaded(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_archivist_uploads_a_scan_to_a_draft_and_sees_it(page, browser, live_server, axe):
    base = live_server.url
    archivist = factories.UserFactory(username="archie", is_staff=True, password=PASSWORD)
    archivist.groups.add(Group.objects.get(name=ARCHIVIST))
    draft = factories.DocumentFactory(title="Telegram from Hanoi, still a draft")

    page.goto(f"{base}/admin/login/?next=/admin/archive/document/{draft.pk}/change/")
    page.get_by_label("Username").fill("archie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_text("Add another Scan").click()
    page.locator('input[name="scans-0-file"]').set_input_files(
        {"name": "page-1.jpg", "mimeType": "image/jpeg", "buffer": jpeg_page()}
    )
    page.locator('input[name="scans-0-alt_text"]').fill("First page of the telegram")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The thumbnail in the scans inline is there and loads, and so does "Currently:".
    thumbnail = page.get_by_role("img", name="First page of the telegram")
    expect(thumbnail).to_be_visible()
    assert image_loaded(thumbnail)
    current = page.locator("#scans-group").get_by_role("link").filter(has_text="page-1")
    response = page.request.get(base + current.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"

    # The preview of the reader's page, marked as not public, with the scan shown.
    page.get_by_role("link", name="Preview the reader's page").click()
    expect(page.get_by_role("note")).to_contain_text("Preview, not public")
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)
    scan = page.locator("#scans img")
    expect(scan).to_be_visible()
    scan.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=scan.element_handle())
    violations = axe(page)
    assert not violations, "preview page:\n" + format_violations(violations)
    preview_url, scan_url = page.url, scan.get_attribute("src")

    # A reader sees neither the preview nor the scan.
    reader = browser.new_context()
    try:
        assert reader.request.get(preview_url).status == 404
        assert reader.request.get(f"{base}{scan_url}").status == 404
        assert reader.request.get(f"{base}{draft.get_absolute_url()}").status == 404
    finally:
        reader.close()


def test_a_reader_sees_scans_but_nothing_in_them_runs(page, live_server):
    """A PDF/HTML polyglot uploaded as "poly.html" shows as a PDF, inside the page's <object>
    and on its own, without running its script; an image scan opened on its own shows, and
    the scans' sandbox policy makes Chromium report nothing."""
    document = factories.PublishedDocumentFactory(title="Cable with a tricky scan")
    factories.ScanFactory(
        document=document,
        position=1,
        file=SimpleUploadedFile("poly.html", pdf_files.polyglot(pdf_files.HTML_PAYLOAD)),
    )
    factories.ScanFactory(document=document, position=2)
    dialogs, console_errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    page.goto(f"{live_server.url}{document.get_absolute_url()}")
    viewer = page.locator("object.pdf-viewer")
    viewer.scroll_into_view_if_needed()
    # Chromium shows the PDF in its viewer (an extension frame) inside the <object>.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/scans/1/'))"
    )
    expect(viewer).to_be_visible()
    page.wait_for_timeout(1000)
    assert any(frame.url.startswith("chrome-extension://") for frame in page.frames)

    scans = f"{live_server.url}/documents/{document.record_id}/scans"
    page.goto(f"{scans}/1/")
    page.wait_for_timeout(1000)
    assert any(frame.url.startswith("chrome-extension://") for frame in page.frames)
    page.goto(f"{scans}/2/")
    image = page.locator("img")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 64

    assert dialogs == []
    assert [e for e in console_errors if "favicon" not in e] == []
