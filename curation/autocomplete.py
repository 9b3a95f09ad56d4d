"""Autocomplete widgets that label their selected options without a query of their own.

Django's autocomplete widget looks up the records it shows as selected, one query per
field and per inline row, although the form has already read them: a many-to-many
field's initial value is the list of records, and a foreign key's record is cached on
the instance when the queryset selected it. A document's change page with five
translations made 16 such queries. `KnownChoicesAdmin` hands the widgets those
records; a value they do not hold (a re-rendered POST that picked another record) is
still looked up as Django does.
"""

from functools import cache

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models


class KnownChoicesMixin:
    """An autocomplete widget that renders selected records it was given (`known`, by
    pk as a string) and queries only when a selected value is not among them."""

    known: dict[str, models.Model] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if selected and not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        # As Django's, without building the query it would not run (a tenth of the
        # change page's time went to ~20 such querysets).
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in (pk for pk in self.known if pk in selected):
            obj = self.known[pk]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, selected, len(options)))
            if not self.allow_multiple_selected:
                break
        return [(None, options, 0)]


class KnownChoicesSelect(KnownChoicesMixin, AutocompleteSelect):
    pass


class KnownChoicesSelectMultiple(KnownChoicesMixin, AutocompleteSelectMultiple):
    pass


def _records_held(form: forms.ModelForm, name: str) -> list[models.Model]:
    """The records the form already holds for field `name`: a many-to-many initial
    list, or a foreign key cached on the instance."""
    initial = form.initial.get(name)
    if isinstance(initial, list):
        return [item for item in initial if isinstance(item, models.Model)]
    field = form.instance._meta.get_field(name)
    if field.many_to_one and field.is_cached(form.instance):
        record = getattr(form.instance, name)
        return [record] if record is not None else []
    return []


class KnownChoicesForm:
    """Form mixin: seed each known-choices widget with the records the form holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # the admin's "+" wrapper
            if isinstance(widget, KnownChoicesMixin):
                widget.known = {str(record.pk): record for record in _records_held(self, name)}


@cache  # one class per form class: inline admins are made anew for every request
def with_known_choices(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    return type(form_class.__name__, (KnownChoicesForm, form_class), {})


class KnownChoicesAdmin:
    """ModelAdmin or inline mixin: its autocomplete fields use the known-choices
    widgets, and its forms seed them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoicesSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoicesSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's own base form, so Django builds each request's form class once
        # (one more subclass per form and request cost the change page ~3 % of its time).
        self.form = with_known_choices(self.form)
