"""The rich-text editor in the admin: what an archivist formats is what gets saved."""

import pytest
from playwright.sync_api import expect

from archive.models import Collection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"


def test_archivist_formats_a_collection_description(page, live_server, django_user_model):
    django_user_model.objects.create_superuser(
        username="e2e-editor", email="e2e-editor@example.org", password=PASSWORD
    )
    collection = Collection.objects.create(title="Sino-Soviet Relations", description="")

    page.goto(
        f"{live_server.url}/admin/login/?next=/admin/archive/collection/{collection.pk}/change/"
    )
    page.get_by_label("Username").fill("e2e-editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    editor = page.get_by_role("textbox", name="Description", exact=True)
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("An introductory essay.")
    page.keyboard.press("Control+a")
    page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Bold").click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    collection.refresh_from_db()
    # Chromium marks bold as <b>; both survive sanitizing.
    assert collection.description in (
        "<p><b>An introductory essay.</b></p>",
        "<p><strong>An introductory essay.</strong></p>",
    )
