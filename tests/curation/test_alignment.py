"""Paragraph alignment as editors keep it (issue 17, item 2): the default, a correction made
in the admin shown to readers and kept through a save and a revert, bad notation refused,
and paragraph anchors that stay put through unrelated edits. On SQLite and PostgreSQL."""

import re

import pytest

from archive.models import Language, Translation
from curation import services
from tests.curation.admin_forms import admin_form_data
from tests.curation.test_history import change_url, revert_url
from tests.factories import TranslationFactory

pytestmark = pytest.mark.django_db

ORIGINAL = "<p>甲</p><p>乙</p><p>[page 2]</p><p>丙</p><p>丁</p><p>戊</p>"
ENGLISH = "<p>One.</p><p>Two and three.</p><p>Four.</p><p>Five.</p>"


@pytest.fixture
def translation(ready_document, archivist, second_editor):
    transcript = ready_document.transcripts.get()
    transcript.language = Language.objects.get_or_create(code="zh", defaults={"name": "Chinese"})[0]
    transcript.body = ORIGINAL
    transcript.save()
    translation = TranslationFactory(document=ready_document, body=ENGLISH)
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=second_editor)
    services.document_publish(document=ready_document, editor=second_editor)
    translation.refresh_from_db()
    return translation


def paragraphs_on_page(client, document) -> dict[str, tuple[str, str, str]]:
    """Each paragraph anchor on the reader's page: (its counterparts, its page, its text)."""
    page = client.get(document.get_absolute_url()).text
    found = re.findall(
        r'<div class="para" id="([\w-]+)" data-para="\d+" data-align="([\d ]*)" '
        r'data-page="(\d+)">(.*?)</div>',
        page,
    )
    return {anchor: (align, page, text) for anchor, align, page, text in found}


def test_by_default_paragraph_n_matches_paragraph_n(client, translation):
    shown = paragraphs_on_page(client, translation.document)

    assert shown["p1"] == ("1", "1", "<p>One.</p>")
    assert shown["p3"] == ("3", "2", "<p>Four.</p>")  # after the page break
    assert shown["transcript-zh-p3"] == ("3", "2", "<p>丙</p>")
    assert 'id="transcript-zh-page-2"' in client.get(translation.document.get_absolute_url()).text


def test_an_editors_correction_is_shown_kept_in_history_and_reverted(
    client, editor_client, translation
):
    before = translation.history.latest("history_date")
    opened = editor_client.get(change_url(translation))

    saved = editor_client.post(change_url(translation), admin_form_data(opened, alignment="2=2-3"))

    assert saved.status_code == 302
    translation.refresh_from_db()
    assert translation.alignment == "2=2-3"
    assert translation.history.latest("history_date").alignment == "2=2-3"
    shown = paragraphs_on_page(client, translation.document)
    assert shown["p2"][:2] == ("2 3", "1")
    assert shown["p3"][:2] == ("4", "2")  # one to one again after the merge
    assert shown["p4"][:2] == ("5", "2")

    opened = editor_client.get(revert_url(translation, before))
    reverted = editor_client.post(revert_url(translation, before), admin_form_data(opened))

    assert reverted.status_code == 302
    translation.refresh_from_db()
    assert translation.alignment == ""
    assert paragraphs_on_page(client, translation.document)["p2"][:2] == ("2", "1")


def test_notation_that_does_not_parse_is_refused_in_the_form(editor_client, translation):
    opened = editor_client.get(change_url(translation))

    response = editor_client.post(
        change_url(translation), admin_form_data(opened, alignment="2=2-3\n1=1")
    )

    assert response.status_code == 200
    assert "overlaps or comes before" in response.text
    translation.refresh_from_db()
    assert translation.alignment == ""


def test_anchors_stay_on_their_paragraphs_through_unrelated_edits(client, translation):
    document = translation.document
    before = paragraphs_on_page(client, document)

    document.title = "A retitled cable"
    document.save()
    Translation.objects.filter(pk=translation.pk).update(
        approved_body=ENGLISH.replace("One.", "One, <em>corrected</em>.")
    )
    after = paragraphs_on_page(client, document)

    assert after.keys() == before.keys()
    assert after["p1"][2] == "<p>One, <em>corrected</em>.</p>"
    assert {k: v for k, v in after.items() if k != "p1"} == {
        k: v for k, v in before.items() if k != "p1"
    }


def test_the_translation_page_shows_the_alignment_as_saved(editor_client, translation):
    Translation.objects.filter(pk=translation.pk).update(alignment="2=2-3")

    page = editor_client.get(change_url(translation)).text

    assert (
        '<tr><th scope="row">2</th><td>Two and three.</td><td>2, 3</td><td>乙 / 丙</td></tr>'
    ) in page
    assert '<tr><th scope="row">3</th><td>Four.</td><td>4</td><td>丁</td></tr>' in page
