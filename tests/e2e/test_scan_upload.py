"""An archivist attaches a scan to a draft in the admin, sees its thumbnail there and the
draft's page in preview; a reader still finds neither (issue 13, item 5)."""

import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from curation.roles import ARCHIVIST
from tests import factories
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
