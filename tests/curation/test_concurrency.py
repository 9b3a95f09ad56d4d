"""Two people edit the same record: the later save is refused, nothing is overwritten."""

import pytest
from django.urls import reverse

from archive.models import Document, Translation
from tests import factories
from tests.curation.admin_forms import admin_form_data
from tests.curation.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(ready_document):
    factories.ProvenanceFactory(document=ready_document)
    translation = factories.TranslationFactory(document=ready_document, body="<p>First text.</p>")
    translation.translators.add(factories.TranslatorFactory())
    return ready_document


def change_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_save_from_a_fresh_form_goes_through(archivist_client, document):
    opened = archivist_client.get(change_url(document))
    response = archivist_client.post(
        change_url(document), admin_form_data(opened, title="A better title")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "A better title"


def test_the_later_save_of_a_document_is_refused_with_what_changed(
    archivist_client, editor, document
):
    mine = archivist_client.get(change_url(document))

    theirs_client = client_for(editor)
    theirs = theirs_client.get(change_url(document))
    response = theirs_client.post(
        change_url(document),
        admin_form_data(theirs, title="Their title", summary="Their summary."),
    )
    assert response.status_code == 302

    response = archivist_client.post(change_url(document), admin_form_data(mine, title="My title"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "was changed by someone else while you were editing it (by edith)" in errors
    assert "changed meanwhile: Title, Summary" in errors
    assert "Your changes were not saved" in errors
    document.refresh_from_db()
    assert (document.title, document.summary) == ("Their title", "Their summary.")


def test_a_save_without_the_token_is_refused(archivist_client, document):
    opened = archivist_client.get(change_url(document))
    data = admin_form_data(opened, title="Sneaky")
    del data["concurrency_token"]
    response = archivist_client.post(change_url(document), data)
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.title != "Sneaky"


def test_a_publishing_decision_meanwhile_also_makes_the_form_stale(
    archivist_client, editor, document
):
    from curation import services

    mine = archivist_client.get(change_url(document))
    services.document_publish(document=document, editor=editor)
    response = archivist_client.post(change_url(document), admin_form_data(mine, title="Mine"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Publication state" in errors and "edith" in errors
    document.refresh_from_db()
    assert document.status == Document.Status.PUBLISHED and document.title != "Mine"


def test_the_later_save_of_a_translation_is_refused(archivist_client, editor, document):
    translation = document.translations.get()
    mine = archivist_client.get(change_url(translation))
    theirs_client = client_for(editor)
    theirs = theirs_client.get(change_url(translation))
    theirs_client.post(change_url(translation), admin_form_data(theirs, body="<p>Their text.</p>"))

    response = archivist_client.post(
        change_url(translation), admin_form_data(mine, body="<p>My text.</p>")
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "changed meanwhile: Text" in errors
    translation.refresh_from_db()
    assert translation.body == "<p>Their text.</p>"


def test_a_stale_inline_translation_is_refused_too(archivist_client, editor, document):
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))

    theirs_client = client_for(editor)
    theirs = theirs_client.get(change_url(translation))
    theirs_client.post(change_url(translation), admin_form_data(theirs, body="<p>Their text.</p>"))

    response = archivist_client.post(
        change_url(document),
        admin_form_data(mine, **{"translations-0-body": "<p>My text.</p>"}),
    )
    assert response.status_code == 200
    inline = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is Translation
    )
    errors = " ".join(inline.formset.forms[0].non_field_errors())
    assert "changed meanwhile: Text" in errors
    translation.refresh_from_db()
    assert translation.body == "<p>Their text.</p>"


def test_an_inline_row_changed_by_someone_else_is_never_overwritten(
    archivist_client, editor, document
):
    """The form still holds the old text of the row; saving it would undo their edit."""
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))
    theirs_client = client_for(editor)
    theirs = theirs_client.get(change_url(translation))
    theirs_client.post(change_url(translation), admin_form_data(theirs, body="<p>Their text.</p>"))

    response = archivist_client.post(change_url(document), admin_form_data(mine, title="Mine"))
    assert response.status_code == 200
    translation.refresh_from_db()
    assert translation.body == "<p>Their text.</p>"


def test_inline_rows_nobody_else_touched_save_normally(archivist_client, document):
    opened = archivist_client.get(change_url(document))
    response = archivist_client.post(
        change_url(document),
        admin_form_data(opened, **{"translations-0-body": "<p>Second text.</p>"}),
    )
    assert response.status_code == 302
    assert document.translations.get().body == "<p>Second text.</p>"
