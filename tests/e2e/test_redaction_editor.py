"""A redaction inserted with the rich-text editor is kept as written, and readers see it."""

import pytest
from playwright.sync_api import expect

from archive.models import Transcript
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"
REDACTION = '<span data-redacted="2 lines">[redacted: 2 lines]</span>'


def test_an_archivist_marks_a_redaction_and_a_reader_sees_it(page, live_server, axe):
    factories.UserFactory(username="e2e-chief", is_staff=True, is_superuser=True, password=PASSWORD)
    document = factories.PublishedDocumentFactory()
    transcript = factories.TranscriptFactory(document=document, body="<p>致外交部</p>")
    base = live_server.url

    page.goto(f"{base}/admin/login/?next=/admin/archive/transcript/{transcript.pk}/change/")
    page.get_by_label("Username").fill("e2e-chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    editor = page.get_by_role("textbox", name="Text", exact=True)
    editor.click()
    page.keyboard.press("Control+End")
    page.once("dialog", lambda dialog: dialog.accept("2 lines"))
    page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Redaction").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Transcript.objects.get(pk=transcript.pk).body
    assert REDACTION in saved

    # Opened and saved again, it is unchanged: the editor gives back what it was given.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Transcript.objects.get(pk=transcript.pk).body == saved

    page.goto(f"{base}{document.get_absolute_url()}")
    expect(page.locator("#redaction-count")).to_contain_text("1 passage withheld")
    expect(page.locator(".prose span[data-redacted]")).to_have_text("[redacted: 2 lines]")
    violations = axe(page)
    assert not violations, violations
