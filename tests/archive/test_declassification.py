"""Declassification in the provenance, the pages per declassifying authority, and
redactions marked in the texts."""

import datetime

import pytest

from archive.models import Document, Provenance
from archive.richtext import RichTextFormField, redaction_count, sanitize_html
from tests.archive.test_public_queries import bulk_documents
from tests.factories import (
    DeclassifyingAuthorityFactory,
    DocumentFactory,
    LanguageFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    TranscriptFactory,
    TranslationFactory,
)

pytestmark = pytest.mark.django_db

REDACTION = '<span data-redacted="2 lines">[redacted: 2 lines]</span>'


@pytest.fixture
def state_department():
    return DeclassifyingAuthorityFactory(name="US Department of State")


def declassified(document, authority, **fields) -> Provenance:
    return ProvenanceFactory(
        document=document,
        declassified_by=authority,
        declassified_on=datetime.date(2009, 6, 15),
        declassification_case="F-2008-04512",
        declassification_program="Mandatory Declassification Review",
        **fields,
    )


def test_the_document_page_gives_the_declassification(client, state_department):
    document = PublishedDocumentFactory()
    declassified(document, state_department, declassification_note="Released in part.")
    text = client.get(document.get_absolute_url()).content.decode()
    assert (
        f'Declassified by <a href="/declassified-by/{state_department.slug}/">'
        "US Department of State</a> on June 15, 2009" in text
    )
    assert "Review program: Mandatory Declassification Review" in text
    assert "Case or request number: F-2008-04512" in text
    assert "Released in part." in text


def test_each_authority_has_a_page_of_its_published_documents(client, state_department):
    shown = PublishedDocumentFactory(title="Released cable")
    declassified(shown, state_department)
    declassified(DocumentFactory(title="Draft cable"), state_department)
    withdrawn = DocumentFactory(title="Withdrawn cable", status=Document.Status.WITHDRAWN)
    declassified(withdrawn, state_department)
    DeclassifyingAuthorityFactory(name="Released nothing public")

    listing = client.get("/declassified-by/").content.decode()
    assert "US Department of State" in listing and "1 document" in listing
    assert "Released nothing public" not in listing
    assert f'href="/declassified-by/{state_department.slug}/"' in listing  # the name links
    page = client.get(f"/declassified-by/{state_department.slug}/").content.decode()
    assert "Released cable" in page
    assert "Draft cable" not in page and "Withdrawn cable" not in page
    assert f"/search/?declassified_by={state_department.slug}" in page
    assert client.get("/declassified-by/no-such-body/").status_code == 404
    assert 'href="/declassified-by/"' in client.get("/browse/").content.decode()


@pytest.mark.parametrize("count", [1, 60])
def test_authority_pages_have_pinned_query_counts(client, django_assert_num_queries, count):
    authority = DeclassifyingAuthorityFactory()
    for document in bulk_documents(count):
        declassified(document, authority)
    DeclassifyingAuthorityFactory.create_batch(count)
    for url, queries in {"/declassified-by/": 2, f"/declassified-by/{authority.slug}/": 2}.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_search_bad_declassification_years_are_a_message_not_an_error(client):
    for params in (
        {"declassified_from": "soon"},
        {"declassified_from": "2001", "declassified_to": "1999"},
    ):
        response = client.get("/search/", params)
        assert response.status_code == 400


# Redactions --------------------------------------------------------------------------------


def test_a_redaction_survives_sanitizing_and_loses_anything_else():
    dirty = (
        '<p>Text <span data-redacted="2 lines" onclick="x()" style="color:red">'
        "[redacted: 2 lines]</span></p>"
    )
    assert sanitize_html(dirty) == f"<p>Text {REDACTION}</p>"
    assert sanitize_html(sanitize_html(dirty)) == sanitize_html(dirty)


def test_a_redaction_comes_back_from_the_form_unchanged():
    stored = sanitize_html(f"<p>Before {REDACTION} after.</p>")
    field = RichTextFormField()
    assert not field.has_changed(stored, stored.replace("\n", "\r\n"))
    assert redaction_count(field.clean(stored)) == 1


def test_the_document_page_counts_and_describes_redactions(client):
    document = PublishedDocumentFactory()
    TranscriptFactory(document=document, body=f"<p>致外交部 {REDACTION} {REDACTION}</p>")
    TranslationFactory(
        document=document,
        language=LanguageFactory(code="en", name="English"),
        approved_body=f"<p>To the Foreign Ministry {REDACTION}</p>",
        body="<p>A draft with <span data-redacted='1 word'>[redacted: 1 word]</span></p>",
    )
    text = client.get(document.get_absolute_url()).content.decode()
    assert "3 passages withheld: 2 in the Chinese transcript, 1 in the English translation" in text
    assert text.count(REDACTION) == 3  # shown as written: its words say what is withheld
    assert "1 word" not in text
