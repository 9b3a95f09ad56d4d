"""Translation versions and stale translations in a browser.

A reader opens version 1 of a translation that has a version 2, sees the notice, follows
it, opens the comparison and copies a citation of version 1. An editor corrects the
transcript, sees the mark in the review queue, opens the corrections and confirms the
translation still holds. axe checks every new page.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from archive.models import Document, Transcript, Translation
from curation import services
from curation.roles import ARCHIVIST, EDITOR
from tests import factories
from tests.e2e.axe import format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"
V1 = "<p>To the Foreign Ministry: the Soviets offer empty words.</p>"
V2 = "<p>To the Foreign Ministry: the Soviet revisionists offer only empty words.</p>"


def person(username: str, role: str):
    user = factories.UserFactory(username=username, is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


def check_axe(page, axe, name: str) -> None:
    violations = axe(page)
    assert not violations, f"{name}:\n" + format_violations(violations)


def approve(translation, archivist, editor) -> None:
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)


@pytest.fixture
def two_versions(db):
    archivist, editor = person("archie", ARCHIVIST), person("edith", EDITOR)
    document = factories.PublishedDocumentFactory(
        title="Cable from the Chinese Embassy in the Soviet Union"
    )
    factories.TranscriptFactory(document=document, body="<p>致外交部：苏联只说空话。</p>")
    translation = factories.TranslationFactory(
        document=document, language=factories.LanguageFactory(code="en", name="English"), body=V1
    )
    translation.translators.add(factories.TranslatorFactory(name="David Cowhig"))
    approve(translation, archivist, editor)
    current = Translation.objects.get(pk=translation.pk)
    services.translation_note_edit(translation=current, user=archivist, changed={"body"})
    current.body = V2
    current.save()
    approve(current, archivist, editor)
    return document


def test_a_reader_cites_version_1_and_an_editor_settles_a_corrected_original(
    page, browser, live_server, two_versions, axe, artifacts_dir
):
    base, document = live_server.url, two_versions
    v1 = f"{base}/documents/{document.record_id}/translations/en/v1/"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # The reader opens version 1: its own text, and a notice of version 2.
    page.goto(v1)
    expect(page.get_by_text("the Soviets offer empty words")).to_be_visible()
    notice = page.get_by_role("note")
    expect(notice).to_contain_text("A newer version of this translation exists")
    check_axe(page, axe, "version 1")
    notice.get_by_role("link", name="version 2").click()
    expect(page).to_have_url(f"{base}/documents/{document.record_id}/translations/en/v2/")
    expect(page.get_by_text("the Soviet revisionists offer only empty words")).to_be_visible()
    check_axe(page, axe, "version 2")

    # ...opens what changed in version 2: marked, and said in words.
    page.get_by_role("link", name="What changed since version 1").click()
    diff = page.locator("#word-diff")
    expect(diff.locator("ins")).to_contain_text(["revisionists", "only"])
    expect(diff.locator("del")).to_contain_text(["Soviets"])
    expect(diff.locator("ins").first).to_contain_text("[added:")
    page.screenshot(path=artifacts_dir / "version-changes.png", full_page=True)
    check_axe(page, axe, "comparison")

    # ...and copies the citation of version 1, which names it and its permalink.
    page.goto(v1)
    page.get_by_text("Get citation").click()
    citation = page.locator("#citation-text")
    expect(citation).to_contain_text("English translation, version 1, approved")
    expect(citation).to_contain_text(v1)
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator("#citation-copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "version 1" in copied and copied.endswith(v1)

    # The document page lists both versions.
    page.goto(f"{base}/documents/{document.record_id}/{document.slug}/")
    page.get_by_text("Version history (2 approved versions)").click()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
    check_axe(page, axe, "document page with versions")

    # An editor corrects the transcript in the admin...
    desk_context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = desk_context.new_page()
    desk.goto(f"{base}/admin/login/?next=/admin/")
    desk.get_by_label("Username").fill("edith")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    transcript = Transcript.objects.get(document=document)
    desk.goto(f"{base}/admin/archive/transcript/{transcript.pk}/change/")
    editor = desk.get_by_role("textbox", name="Text", exact=True)
    editor.click()
    desk.keyboard.press("End")
    desk.keyboard.type(" 一九六五年")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    # ...sees the mark in the review queue, opens the corrections and confirms.
    desk.goto(f"{base}/admin/desk/review/")
    expect(desk.locator("#stale-notice")).to_contain_text("1 approved translation may be")
    check_axe(desk, axe, "review queue with a stale mark")
    desk.get_by_role("link", name="See the corrections and settle them").click()
    section = desk.locator(".stale-translation")
    expect(section).to_contain_text(document.title)
    expect(section.locator(".word-diff ins")).to_contain_text(["一"])
    check_axe(desk, axe, "stale translations page")
    desk.screenshot(path=artifacts_dir / "stale-translations.png", full_page=True)
    section.get_by_label("Comment").fill("Only the year was added; the translation holds.")
    section.get_by_role("button", name="Confirm it still holds").click()
    expect(desk.locator(".messagelist")).to_contain_text("Confirmed")
    expect(desk.get_by_text("No translation is waiting")).to_be_visible()
    desk_context.close()

    translation = Translation.objects.get(document=document)
    assert translation.original_changed_at is None
    assert translation.review_entries.first().comment.startswith("Only the year")
    assert Document.objects.get(pk=document.pk).status == Document.Status.PUBLISHED
