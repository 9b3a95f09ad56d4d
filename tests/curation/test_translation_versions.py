"""Approved translation versions: stable numbers and permalinks, the version page, 410 for
withdrawn versions, citations naming the version, and drafts never shown."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import Citation as CSLCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from archive.models import Document, Translation, TranslationVersion
from curation import services
from tests import factories

pytestmark = pytest.mark.django_db

V1 = "<p>To the Foreign Ministry: the first reading.</p>"
V2 = "<p>To the Foreign Ministry: the corrected reading.</p>"


def approve(translation, archivist, editor) -> Translation:
    services.translation_submit(translation=translation, user=archivist)
    return services.translation_approve(translation=translation, editor=editor)


def revise(translation, user, body: str) -> Translation:
    """An edit of the working text, as the admin makes it: a new draft revision."""
    current = Translation.objects.get(pk=translation.pk)
    services.translation_note_edit(translation=current, user=user, changed={"body"})
    current.body = body
    current.save()
    return current


@pytest.fixture
def published(translation):
    document = translation.document
    document.status = Document.Status.PUBLISHED
    document.rights_statement = factories.RightsStatementFactory()
    document.save()
    return translation


@pytest.fixture
def two_versions(published, archivist, editor):
    published.body = V1
    published.save()
    approve(published, archivist, editor)
    revise(published, archivist, V2)
    return approve(published, archivist, editor)


def url(translation, number: int, suffix: str = "") -> str:
    record_id = translation.document.record_id
    return f"/documents/{record_id}/translations/en/v{number}/{suffix}"


def test_each_approval_of_a_new_text_is_the_next_version(two_versions):
    versions = TranslationVersion.objects.filter(translation=two_versions).order_by("number")
    assert [(v.number, v.body) for v in versions] == [(1, V1), (2, V2)]
    assert versions[1].credit == "Translated by David Cowhig"


def test_numbers_and_texts_survive_edits_reverts_and_reapprovals(
    two_versions, archivist, editor, client
):
    revise(two_versions, archivist, "<p>A draft nobody approved.</p>")
    revise(two_versions, archivist, V1)  # back to the first text, as a revert does
    approve(two_versions, archivist, editor)

    numbers = TranslationVersion.objects.values_list("number", "body").order_by("number")
    assert list(numbers) == [(1, V1), (2, V2), (3, V1)]
    for number, text in ((1, "the first reading"), (2, "the corrected reading")):
        page = client.get(url(two_versions, number)).content.decode()
        assert text in page and f"English translation, version {number}, approved" in page
    assert "A newer version" in client.get(url(two_versions, 2)).content.decode()


def test_approving_the_same_text_again_gives_no_new_number(published, archivist, editor):
    approve(published, archivist, editor)
    revise(published, archivist, published.body + " ")  # the same text in normal form
    current = Translation.objects.get(pk=published.pk)
    current.state = Translation.State.DRAFT
    current.save()
    approve(current, archivist, editor)
    assert TranslationVersion.objects.filter(translation=published).count() == 1


def test_the_version_page_shows_that_text_its_credits_and_the_newer_version(two_versions, client):
    page = client.get(url(two_versions, 1))
    text = page.content.decode()
    assert "the first reading" in text and "the corrected reading" not in text
    assert "Translated by David Cowhig" in text and "David Cowhig</a>" in text
    assert "A newer version of this translation exists" in text
    assert f'href="{url(two_versions, 2)}"' in text

    latest = client.get(url(two_versions, 2)).content.decode()
    assert "the corrected reading" in latest and "A newer version" not in latest


def test_a_version_keeps_the_credits_it_was_approved_with(published, archivist, editor, client):
    approve(published, archivist, editor)
    current = Translation.objects.get(pk=published.pk)
    services.translation_note_edit(translation=current, user=archivist, changed={"credit_line"})
    current.credit_line = "Translated for CWIHP by Merle Pribbenow"
    current.save()
    approve(current, archivist, editor)
    assert "Translated by David Cowhig" in client.get(url(published, 1)).content.decode()
    assert "Merle Pribbenow" in client.get(url(published, 2)).content.decode()


def test_a_withdrawn_version_answers_410_with_its_citation_and_reason(two_versions, editor, client):
    services.translation_withdraw(
        translation=two_versions, editor=editor, reason="Rights to the translation lapsed."
    )
    for number in (1, 2):
        page = client.get(url(two_versions, number))
        assert page.status_code == 410
        text = page.content.decode()
        assert "Rights to the translation lapsed." in text
        assert f"English translation, version {number}" in text
        assert f"http://testserver{url(two_versions, number)}" in text
    assert client.get(url(two_versions, 1, "citation.ris")).status_code == 404


def test_drafts_and_rejected_revisions_never_appear(published, archivist, editor, client):
    approve(published, archivist, editor)
    revise(published, archivist, "<p>Rejected wording.</p>")
    services.translation_submit(translation=published, user=archivist)
    services.translation_request_changes(translation=published, editor=editor, comment="No.")
    revise(published, archivist, "<p>Draft wording.</p>")

    assert client.get(url(published, 2)).status_code == 404
    document_page = client.get(published.document.get_absolute_url()).content.decode()
    ris = client.get(f"/documents/{published.document.record_id}/citation.ris").content.decode()
    search = client.get("/search/", {"q": "wording"}).content.decode()
    for shown in (document_page, ris, search):
        assert "Rejected wording" not in shown and "Draft wording" not in shown
        assert "version 2" not in shown
    assert "English translation, version 1" in ris


def test_versions_of_drafts_and_unknown_versions_are_not_found(
    published, archivist, editor, client
):
    approve(published, archivist, editor)
    document = published.document
    document.status = Document.Status.DRAFT
    document.save()
    assert client.get(url(published, 1)).status_code == 404
    assert client.get("/documents/999/translations/en/v1/").status_code == 404
    assert client.get(url(published, 1).replace("/en/", "/xx-bad/")).status_code == 404


def test_the_document_page_lists_the_versions_and_cites_the_current_one(two_versions, client):
    text = client.get(two_versions.document.get_absolute_url()).content.decode()
    assert "Version history (2 approved versions)" in text
    assert f'href="{url(two_versions, 1)}"' in text
    assert f'href="{url(two_versions, 2, "changes/")}"' in text
    assert "English translation, version 2, approved" in text
    assert f"http://testserver{url(two_versions, 2)}" in text


def test_the_comparison_marks_additions_and_removals_in_words(two_versions, client):
    page = client.get(url(two_versions, 2, "changes/"))
    text = page.content.decode()
    assert '<del><span class="visually-hidden">[removed: </span>first' in text
    assert '<ins><span class="visually-hidden">[added: </span>corrected' in text
    assert "1 word added, 1 removed" in text
    first = client.get(url(two_versions, 1, "changes/")).content.decode()
    assert "the first approved version" in first
    assert "<ins>" not in first  # not the whole text shown as added


# Citations of a version ------------------------------------------------------------------


def test_the_ris_citation_names_the_version_and_its_url(two_versions, client):
    response = client.get(url(two_versions, 1, "citation.ris"))
    entry = rispy.loads(response.content.decode())[0]
    assert entry["urls"] == [f"http://testserver{url(two_versions, 1)}"]
    assert entry["edition"].startswith("English translation, version 1, approved ")
    assert any("version 1" in note for note in entry["notes"])


def test_the_bibtex_citation_names_the_version_and_its_url(two_versions, client):
    response = client.get(url(two_versions, 1, "citation.bib"))
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    entry = {name: field.value for name, field in library.entries[0].fields_dict.items()}
    assert entry["url"] == f"http://testserver{url(two_versions, 1)}"
    assert entry["version"].startswith("English translation, version 1, approved ")


def test_the_csl_citation_names_the_version_and_citeproc_renders_it(two_versions, client):
    response = client.get(url(two_versions, 1, "citation.json"))
    items = json.loads(response.content)
    assert items[0]["version"] == "1"
    assert items[0]["URL"] == f"http://testserver{url(two_versions, 1)}"
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(CSLCitation([CitationItem(items[0]["id"])]))
    rendered = str(bibliography.bibliography()[0])
    assert url(two_versions, 1) in rendered


def test_the_version_page_embeds_the_version_for_zotero_and_search_engines(two_versions, client):
    text = client.get(url(two_versions, 1)).content.decode()
    version = TranslationVersion.objects.get(translation=two_versions, number=1)
    approved = version.approved_at.date().isoformat()
    permalink = f"http://testserver{url(two_versions, 1)}"
    assert f'<meta name="citation_public_url" content="{permalink}">' in text
    assert f'<meta name="DCTERMS.modified" content="{approved}">' in text
    label = f"English translation, version 1, approved {version.approved_at:%-d %B %Y}"
    assert f'<meta name="citation_edition" content="{label}">' in text
    data = json.loads(text.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert (data["version"], data["dateModified"]) == ("1", approved)
    assert "English translation, version 1, approved" in data["citation"]


@pytest.mark.parametrize("suffix", ["", "changes/", "citation.ris"])
def test_other_spellings_of_a_version_url_redirect_to_the_one_cited(two_versions, client, suffix):
    record_id = two_versions.document.record_id
    for spelling in (
        f"/documents/{record_id}/translations/en/v01/",
        f"/documents/0{record_id}/translations/en/v1/",
    ):
        response = client.get(spelling + suffix + "?from=citation")
        assert response.status_code == 301
        assert response["Location"] == url(two_versions, 1, suffix) + "?from=citation"
    assert client.get(url(two_versions, 1, suffix)).status_code == 200


def test_the_current_version_tells_readers_the_original_was_corrected(
    two_versions, client, settings
):
    from tests.curation.test_stale_translations import correct_transcript

    factories.TranscriptFactory(document=two_versions.document, body="<p>致外交部</p>")
    correct_transcript(two_versions)
    notice = "The original was corrected on"
    assert notice in client.get(url(two_versions, 2)).content.decode()
    assert notice not in client.get(url(two_versions, 1)).content.decode()  # not the current one
    settings.DOSSIER_STALE_TRANSLATION_NOTICE = False
    assert notice not in client.get(url(two_versions, 2)).content.decode()
