"""Turn an admin page's forms into the POST data a browser would send back unchanged."""

from django.db.models import Model
from django.db.models.fields.files import FieldFile


def _plain(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _add(data: dict, form) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is None or isinstance(value, FieldFile):
            continue
        if isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        data[form.add_prefix(name)] = _plain(value)


def admin_form_data(response, **changes) -> dict:
    """The main form and every inline row as they were rendered, then `changes` applied."""
    data = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    data.update(changes)
    return data


def changelist_form_data(response, **changes) -> dict:
    """An editable change list's rows as rendered (shown values too), then `changes` applied."""
    formset = response.context["cl"].formset
    data = {"_save": "Save", "action": ""}
    _add(data, formset.management_form)
    for form in formset.forms:
        _add(data, form)
        for name, field in form.fields.items():
            if field.show_hidden_initial:
                data[form[name].html_initial_name] = _plain(form[name].initial)
    data.update(changes)
    return data
