"""Two people edit the same record: the later save is refused, nothing is overwritten."""

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.text import capfirst

from archive.models import Document, Translation
from curation.forms import TOKEN
from curation.models import HISTORY_M2M_FIELDS
from tests import factories
from tests.curation.admin_forms import admin_form_data, changelist_form_data
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


def edith_saves(editor, obj, **changes) -> None:
    client = client_for(editor)
    client.post(change_url(obj), admin_form_data(client.get(change_url(obj)), **changes))


def translation_errors(response) -> str:
    """The errors of the first translation row on a document page sent back."""
    inline = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is Translation
    )
    return " ".join(inline.formset.forms[0].non_field_errors())


def test_a_stale_inline_translation_is_refused_too(archivist_client, editor, document):
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))
    edith_saves(editor, translation, body="<p>Their text.</p>")

    response = archivist_client.post(
        change_url(document),
        admin_form_data(mine, **{"translations-0-body": "<p>My text.</p>"}),
    )
    assert response.status_code == 200
    errors = translation_errors(response)
    assert "changed meanwhile: Text" in errors
    translation.refresh_from_db()
    assert translation.body == "<p>Their text.</p>"


def test_an_inline_row_changed_by_someone_else_is_never_overwritten(
    archivist_client, editor, document
):
    """The form still holds the old text of the row; saving it would undo their edit.

    The editor left the row alone, so their changes to the document itself save.
    """
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))
    edith_saves(editor, translation, body="<p>Their text.</p>")

    response = archivist_client.post(
        change_url(document), admin_form_data(mine, summary="My summary.")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    translation.refresh_from_db()
    assert document.summary == "My summary."
    assert translation.body == "<p>Their text.</p>"


def test_links_someone_else_gave_an_inline_row_the_editor_left_alone_stay(
    archivist_client, editor, document
):
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))
    other = factories.TranslatorFactory()
    edith_saves(editor, translation, translators=[other.pk])

    response = archivist_client.post(
        change_url(document), admin_form_data(mine, summary="My summary.")
    )
    assert response.status_code == 302
    assert list(translation.translators.all()) == [other]


def test_an_inline_row_both_changed_is_refused_even_in_different_fields(
    archivist_client, editor, document
):
    translation = document.translations.get()
    mine = archivist_client.get(change_url(document))
    edith_saves(editor, translation, body="<p>Their text.</p>")

    response = archivist_client.post(
        change_url(document),
        admin_form_data(
            mine, summary="My summary.", **{"translations-0-credit_line": "My credit line"}
        ),
    )
    assert response.status_code == 200
    errors = translation_errors(response)
    assert "was changed by someone else while you were editing it (by edith)" in errors
    document.refresh_from_db()
    translation.refresh_from_db()
    assert document.summary != "My summary."
    assert (translation.body, translation.credit_line) == ("<p>Their text.</p>", "")


def test_inline_rows_nobody_else_touched_save_normally(archivist_client, document):
    opened = archivist_client.get(change_url(document))
    response = archivist_client.post(
        change_url(document),
        admin_form_data(opened, **{"translations-0-body": "<p>Second text.</p>"}),
    )
    assert response.status_code == 302
    assert document.translations.get().body == "<p>Second text.</p>"


# Every record an editor can change, on its own page and inside the document page.

DESK_ADMINS = {
    model: model_admin
    for model, model_admin in admin.site._registry.items()
    if type(model_admin).__module__ == "curation.admin"
}
DOCUMENT_INLINES = [
    (model, inline) for model, model_admin in DESK_ADMINS.items() for inline in model_admin.inlines
]


def make(model, **fields):
    """A saved record of `model`; a model without a factory fails here, on purpose."""
    return getattr(factories, f"{model.__name__}Factory")(**fields)


def text_field(form) -> str:
    """The first plain text an editor types on this form (not a slug, choice or link)."""
    for name, field in form.fields.items():
        if name == TOKEN or isinstance(field, forms.SlugField):
            continue
        if isinstance(field, forms.CharField) and isinstance(
            field.widget, forms.TextInput | forms.Textarea
        ):
            return name
    raise AssertionError(f"{type(form).__name__} has no text field to edit")


def typed_by(who: str, field) -> str:
    return f"{who} wrote this"[: field.max_length or 100].strip()


def label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def test_every_record_with_a_history_has_a_desk_admin_tested_here():
    assert set(HISTORY_M2M_FIELDS) <= set(DESK_ADMINS)


@pytest.mark.parametrize("model", DESK_ADMINS, ids=lambda model: model.__name__)
def test_a_fresh_form_saves_on_every_change_page(second_editor, model):
    obj = make(model)
    client = client_for(second_editor)
    opened = client.get(change_url(obj))
    form = opened.context["adminform"].form
    field = text_field(form)
    mine = typed_by("eduardo", form[field].field)
    response = client.post(change_url(obj), admin_form_data(opened, **{field: mine}))
    assert response.status_code == 302, response.context and response.context["errors"]
    obj.refresh_from_db()
    assert mine in getattr(obj, field)


@pytest.mark.parametrize("model", DESK_ADMINS, ids=lambda model: model.__name__)
def test_the_later_save_is_refused_on_every_change_page(editor, second_editor, model):
    obj = make(model)
    mine_client, theirs_client = client_for(second_editor), client_for(editor)
    mine = mine_client.get(change_url(obj))
    theirs = theirs_client.get(change_url(obj))
    form = theirs.context["adminform"].form
    field = text_field(form)
    their_text = typed_by("edith", form[field].field)
    response = theirs_client.post(change_url(obj), admin_form_data(theirs, **{field: their_text}))
    assert response.status_code == 302

    response = mine_client.post(
        change_url(obj), admin_form_data(mine, **{field: typed_by("eduardo", form[field].field)})
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "was changed by someone else while you were editing it (by edith)" in errors
    assert f"changed meanwhile: {label(model, field)}" in errors
    assert "Your changes were not saved" in errors
    obj.refresh_from_db()
    assert their_text in getattr(obj, field)


every_inline = pytest.mark.parametrize(
    ("parent", "inline"), DOCUMENT_INLINES, ids=lambda value: getattr(value, "__name__", "")
)


def inline_row_edith_changed(editor, second_editor, parent, inline):
    """Eduardo opens the document page; then Edith saves one of its inline rows on its own page.

    Returns the row, its document, Eduardo's client and page, the field and Edith's text.
    """
    row = make(inline.model)
    owner = getattr(row, inline.fk_name or parent._meta.model_name)
    mine_client, theirs_client = client_for(second_editor), client_for(editor)
    mine = mine_client.get(change_url(owner))
    theirs = theirs_client.get(change_url(row))
    field = text_field(theirs.context["adminform"].form)
    their_text = typed_by("edith", theirs.context["adminform"].form[field].field)
    theirs_client.post(change_url(row), admin_form_data(theirs, **{field: their_text}))
    return row, owner, mine_client, mine, field, their_text


@every_inline
def test_a_stale_inline_row_is_refused_on_every_inline(editor, second_editor, parent, inline):
    row, owner, mine_client, mine, field, their_text = inline_row_edith_changed(
        editor, second_editor, parent, inline
    )
    formset = next(
        f.formset for f in mine.context["inline_admin_formsets"] if f.formset.model is inline.model
    )
    (opened_row,) = [f for f in formset.forms if f.instance.pk == row.pk]
    name = opened_row.add_prefix(field)
    response = mine_client.post(
        change_url(owner),
        admin_form_data(mine, **{name: typed_by("eduardo", opened_row[field].field)}),
    )
    assert response.status_code == 200
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.model is inline.model
    )
    errors = " ".join(e for f in formset.forms for e in f.non_field_errors())
    assert "(by edith)" in errors and f"changed meanwhile: {label(inline.model, field)}" in errors
    row.refresh_from_db()
    assert their_text in getattr(row, field)


@every_inline
def test_an_inline_row_left_alone_keeps_a_colleagues_change_on_every_inline(
    editor, second_editor, parent, inline
):
    row, owner, mine_client, mine, field, their_text = inline_row_edith_changed(
        editor, second_editor, parent, inline
    )
    owner_form = mine.context["adminform"].form
    owner_field = text_field(owner_form)
    mine_text = typed_by("eduardo", owner_form[owner_field].field)
    response = mine_client.post(
        change_url(owner), admin_form_data(mine, **{owner_field: mine_text})
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    owner.refresh_from_db()
    row.refresh_from_db()
    assert mine_text in getattr(owner, owner_field)
    assert their_text in getattr(row, field)


EDITABLE_LISTS = [model for model, model_admin in DESK_ADMINS.items() if model_admin.list_editable]


def changelist_url(model) -> str:
    return reverse(f"admin:archive_{model._meta.model_name}_changelist")


def another_value(value):
    return not value if isinstance(value, bool) else value + 1


def test_some_lists_are_editable():
    assert EDITABLE_LISTS


@pytest.mark.parametrize("model", EDITABLE_LISTS, ids=lambda model: model.__name__)
def test_a_stale_row_of_an_editable_list_is_refused(editor, second_editor, model):
    obj = make(model)
    first, last = DESK_ADMINS[model].list_editable[0], DESK_ADMINS[model].list_editable[-1]
    mine_client, theirs_client = client_for(second_editor), client_for(editor)
    mine = mine_client.get(changelist_url(model))
    theirs = theirs_client.get(change_url(obj))
    their_value = another_value(getattr(obj, first))
    theirs_client.post(change_url(obj), admin_form_data(theirs, **{first: their_value}))

    (row,) = [f for f in mine.context["cl"].formset.forms if f.instance.pk == obj.pk]
    # Another field where there is one; else another value of the same field.
    mine_value = another_value(their_value if first == last else getattr(obj, last))
    data = changelist_form_data(mine, **{row.add_prefix(last): mine_value})
    response = mine_client.post(changelist_url(model), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "was changed by someone else since you opened this list (by edith)" in text
    assert f"changed meanwhile: {label(model, first)}" in text
    obj.refresh_from_db()
    assert getattr(obj, first) == their_value


@pytest.mark.parametrize("model", EDITABLE_LISTS, ids=lambda model: model.__name__)
def test_rows_left_alone_in_an_editable_list_keep_a_colleagues_change(editor, second_editor, model):
    obj, other = make(model), make(model)
    field = DESK_ADMINS[model].list_editable[0]
    mine_client, theirs_client = client_for(second_editor), client_for(editor)
    mine = mine_client.get(changelist_url(model))
    theirs = theirs_client.get(change_url(obj))
    their_value = another_value(getattr(obj, field))
    theirs_client.post(change_url(obj), admin_form_data(theirs, **{field: their_value}))

    (row,) = [f for f in mine.context["cl"].formset.forms if f.instance.pk == other.pk]
    mine_value = another_value(getattr(other, field))
    data = changelist_form_data(mine, **{row.add_prefix(field): mine_value})
    response = mine_client.post(changelist_url(model), data)

    assert response.status_code == 302
    obj.refresh_from_db()
    other.refresh_from_db()
    assert (getattr(obj, field), getattr(other, field)) == (their_value, mine_value)
