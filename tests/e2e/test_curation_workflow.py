"""The whole review path in a browser, from an archivist's draft to a reader's page.

An archivist drafts a translation and submits it; an editor sends it back with a
comment; the archivist revises and resubmits; the editor sees the differences,
approves it and publishes the document; a reader sees it with its credit line.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from archive.models import Document, Translation
from curation.roles import ARCHIVIST, EDITOR
from tests import factories
from tests.e2e.axe import format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"
FIRST_DRAFT = "To the Foreign Ministry: the Soviets offer empty words."
REVISION = "To the Foreign Ministry: the Soviet revisionists offer only empty words."


def person(username: str, role: str):
    user = factories.UserFactory(
        username=username, is_staff=True, password=PASSWORD, email=f"{username}@example.org"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/admin/")


def write_text(page, text: str) -> None:
    editor = page.get_by_role("textbox", name="Text", exact=True)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def assert_accessible(page, what: str, axe) -> None:
    violations = axe(page)
    assert not violations, f"{what}:\n" + format_violations(violations)


def test_a_translation_goes_from_draft_to_the_public_page(
    page, browser, live_server, artifacts_dir, axe
):
    base = live_server.url
    person("archie", ARCHIVIST)
    person("edith", EDITOR)
    english = factories.LanguageFactory(code="en", name="English")
    cowhig = factories.TranslatorFactory(name="David Cowhig")
    document = factories.DocumentFactory(
        title="Cable from the Chinese Embassy in the Soviet Union",
        rights_statement=factories.RightsStatementFactory(),
    )

    # The archivist drafts the translation (the add link fills in document,
    # language and translator) and submits it.
    log_in(page, base, "archie")
    page.goto(
        f"{base}/admin/archive/translation/add/"
        f"?document={document.pk}&language={english.pk}&translators={cowhig.pk}"
    )
    write_text(page, FIRST_DRAFT)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")
    expect(page.locator("#review-state")).to_have_text("Submitted for review")

    # The editor finds it in the queue and sends it back with a comment.
    editor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = editor_context.new_page()
    log_in(desk, base, "edith")
    desk.get_by_role("link", name="Translation review").click()
    queue = desk.locator("#review-queue")
    expect(queue).to_contain_text("archie")
    expect(queue).to_contain_text("David Cowhig")
    assert_accessible(desk, "review queue", axe)
    queue.get_by_role("link", name=document.title).click()
    assert_accessible(desk, "review page", axe)
    desk.get_by_label("Comment").fill("Call them revisionists, as the original does.")
    desk.get_by_role("button", name="Send back for changes").click()
    expect(desk.locator(".messagelist")).to_contain_text("Sent back to the translator")

    # The archivist sees the comment, revises and resubmits.
    page.goto(f"{base}/admin/desk/review/")
    sent_back = page.locator("#sent-back")
    expect(sent_back).to_contain_text("Call them revisionists, as the original does.")
    sent_back.get_by_role("link", name=document.title).click()
    page.get_by_role("link", name="Edit this translation").click()
    write_text(page, REVISION)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#review-state")).to_have_text("Submitted for review")

    # The editor sees what changed since the first submission, approves, publishes.
    desk.goto(f"{base}/admin/desk/review/")
    desk.locator("#review-queue").get_by_role("link", name=document.title).click()
    diff = desk.locator("#word-diff")
    expect(diff.locator("ins")).to_contain_text(["revisionists", "only"])
    expect(diff.locator("del")).to_contain_text(["Soviets"])
    desk.screenshot(path=artifacts_dir / "curation-review-diff.png", full_page=True)
    desk.get_by_role("button", name="Approve").click()
    expect(desk.locator(".messagelist")).to_contain_text("Approved")

    desk.goto(f"{base}/admin/archive/document/{document.pk}/change/")
    desk.get_by_role("link", name="Publishing", exact=True).click()
    assert_accessible(desk, "publishing page", axe)
    desk.get_by_role("button", name="Publish now").click()
    expect(desk.locator(".messagelist")).to_contain_text("Published.")
    expect(desk.locator("#publication-state")).to_have_text("Published")

    # Every step is in the record's history and on the desk's activity page.
    desk.goto(f"{base}/admin/desk/activity/")
    expect(desk.locator("#activity")).to_contain_text("Published")
    assert_accessible(desk, "activity page", axe)
    desk.goto(f"{base}/admin/archive/translation/{document.translations.get().pk}/history/")
    expect(desk.locator("#change-history")).to_contain_text("Approved")
    expect(desk.locator("#change-history")).to_contain_text("Changes requested")
    assert_accessible(desk, "history page", axe)
    editor_context.close()

    # A reader sees the approved translation and its credit line.
    document.refresh_from_db()
    assert document.status == Document.Status.PUBLISHED
    assert Translation.objects.public().get().approved_body == f"<p>{REVISION}</p>"
    reader_context = browser.new_context()
    reader = reader_context.new_page()
    reader.goto(f"{base}/documents/{document.record_id}/{document.slug}/")
    expect(reader.get_by_text(REVISION)).to_be_visible()
    expect(reader.locator("p.credit")).to_have_text("Translated by David Cowhig")
    reader.screenshot(path=artifacts_dir / "curation-public-translation.png", full_page=True)
    # ...and finds the document by a word of the approved text.
    reader.goto(f"{base}/search/?q=revisionists")
    expect(reader.locator(".search-hits")).to_contain_text(document.title)
    reader_context.close()
