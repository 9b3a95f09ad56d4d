"""An editor opens an approved, published document in the admin and saves it unchanged:
the public page, the translation's state and the history stay as they were (issue 13,
item 2). The stored text ends in a newline and has a line break inside, as older data does;
the browser sends it back with CRLF line breaks, as browsers do."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from playwright.sync_api import expect

from archive.models import Document, Translation
from curation import services
from curation.roles import ARCHIVIST, EDITOR
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"
STORED = "<p>To the Foreign Ministry:</p>\n<p>The Soviets offer empty words.</p>\n"


def person(username: str, role: str):
    user = factories.UserFactory(username=username, is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


def approved_document(archivist, editor, second_editor) -> Document:
    document = factories.DocumentFactory(
        title="Cable from the Chinese Embassy in the Soviet Union",
        rights_statement=factories.RightsStatementFactory(),
    )
    document.topics.add(factories.TopicFactory(name="Vietnam War"))
    factories.DocumentFactory(title="A related telegram").related_documents.add(document)
    translation = factories.TranslationFactory(document=document, body=STORED)
    translation.translators.add(factories.TranslatorFactory(name="David Cowhig"))
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=second_editor)
    services.document_publish(document=document, editor=editor)
    with connection.cursor() as cursor:  # as older code stored it
        cursor.execute(
            "UPDATE archive_translation SET body = %s, approved_body = %s WHERE id = %s",
            [STORED, STORED, translation.pk],
        )
    return document


def state_of(document: Document) -> dict:
    translation = Translation.objects.get(document=document)
    return {
        "document": Document.objects.filter(pk=document.pk).values().get(),
        "translation": Translation.objects.filter(pk=translation.pk).values().get(),
        "document versions": document.history.count(),
        "translation versions": translation.history.count(),
        "review entries": translation.review_entries.count(),
    }


def test_an_editor_saves_an_approved_document_unchanged(page, live_server):
    base = live_server.url
    document = approved_document(
        person("archie", ARCHIVIST), person("edith", EDITOR), person("eduardo", EDITOR)
    )
    before = state_of(document)
    page.goto(f"{base}{document.get_absolute_url()}")
    public_before = page.locator("main").inner_text()
    assert "The Soviets offer empty words." in public_before

    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/admin/archive/document/{document.pk}/change/")
    expect(page.get_by_role("textbox", name="Text", exact=True)).to_contain_text(
        "The Soviets offer empty words."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert state_of(document) == before
    page.goto(f"{base}/admin/archive/document/{document.pk}/history/")
    expect(page.locator("#change-history tbody tr")).to_have_count(before["document versions"])
    page.goto(f"{base}{document.get_absolute_url()}")
    assert page.locator("main").inner_text() == public_before
