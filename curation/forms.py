"""Admin forms: the concurrency guard, and the small forms of editorial decisions."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TOKEN = "concurrency_token"


def version_at(instance, opened_at: datetime | None):
    """The history record of `instance` as it was saved at `opened_at`, if there is one."""
    if opened_at is None:
        return None
    versions = instance.history.filter(updated_at=opened_at)
    return versions.order_by("-history_date", "-history_id").first()


def form_values_of(version, names) -> dict:
    """The values a form showed for the fields `names` when it was opened on `version`."""
    old = version.instance
    values = {
        f.name: f.value_from_object(old) for f in old._meta.concrete_fields if f.name in names
    }
    return values | version_links(version, names)


def version_links(version, names=None) -> dict[str, list[int]]:
    """The many-to-many links `version` had (of the fields `names`, or all), as primary
    keys: simple-history rebuilds only the record's own fields, the links come from its
    history rows."""
    links = {}
    for field in version._history_m2m_fields:
        if names is None or field.name in names:
            target = field.m2m_reverse_field_name()
            links[field.name] = [row[target] for row in getattr(version, field.name).values(target)]
    return links


def changes_since(instance, opened_at: datetime | None) -> tuple[list[str], list[str]]:
    """Fields of `instance` changed since the version saved at `opened_at`, and by whom.

    Read from the history: the last version that still had `opened_at` as its
    `updated_at` against the newest one.
    """
    history = instance.history.select_related("history_user")
    newest = history.order_by("-history_date", "-history_id").first()
    before = version_at(instance, opened_at)
    if newest is None or before is None:
        return [], []
    delta = newest.diff_against(before)
    changed = set(delta.changed_fields) - {"updated_at"}
    fields = [
        str(capfirst(f.verbose_name))
        for f in instance._meta.get_fields()
        if f.name in changed and hasattr(f, "verbose_name")
    ]
    later = history.filter(history_date__gt=before.history_date).order_by("history_date")
    users = []
    for record in later:
        name = record.history_user.get_username() if record.history_user else _("an automatic task")
        if name not in users:
            users.append(name)
    return fields, users


def stale_message(instance, opened_at: datetime | None) -> str:
    fields, users = changes_since(instance, opened_at)
    what = capfirst(str(instance._meta.verbose_name))
    message = _("%(what)s “%(obj)s” was changed by someone else while you were editing it") % {
        "what": what,
        "obj": instance,
    }
    if users:
        message += _(" (by %(users)s)") % {"users": ", ".join(users)}
    if fields:
        message += _("; changed meanwhile: %(fields)s") % {"fields": ", ".join(fields)}
    return message + _(
        ". Your changes were not saved. Open the record again to see the current version, "
        "then make your changes again."
    )


class ConcurrencyForm(forms.ModelForm):
    """Refuses a save based on a stale copy of the record.

    The form carries the `updated_at` it was opened with; on save the row is
    read under `select_for_update` (the admin wraps the save in a transaction,
    so the lock lasts until the save) and a different value means someone
    saved in between. `check_unchanged` is off for inline rows: the admin only
    saves the inline rows that changed, but always saves the main record.
    """

    check_unchanged = True

    concurrency_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is None:
            return
        opened_at = instance.updated_at
        if getattr(instance, "_history", None) is not None:
            # A revert form is built from an old version; guard against the current one.
            opened_at = self._current_updated_at(lock=False)
        if opened_at is not None:
            self.fields[TOKEN].initial = opened_at.isoformat()

    def _current_updated_at(self, *, lock: bool) -> datetime | None:
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("updated_at", flat=True).first()

    def _opened_at(self) -> datetime | None:
        raw = (self[TOKEN].data or "").strip()
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return value if timezone.is_aware(value) else None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        if not (self.check_unchanged or self.has_changed() or cleaned.get("DELETE")):
            return cleaned
        opened_at = self._opened_at()
        current = self._current_updated_at(lock=True)
        if current is None:
            raise ValidationError(
                _("This %(what)s was deleted by someone else while you were editing it.")
                % {"what": self.instance._meta.verbose_name},
                code="deleted",
            )
        if opened_at != current:
            raise ValidationError(stale_message(self.instance, opened_at), code="stale")
        return cleaned


class InlineConcurrencyForm(ConcurrencyForm):
    """An inline row counts as changed only where the editor changed what they were shown.

    The formset compares the posted row with the row as it is now, so a row someone
    else saved since the page opened would look changed (and be saved back, or
    refused) though the editor never touched it. For such a row the posted values
    are compared with the version the page was opened on instead.
    """

    check_unchanged = False

    @cached_property
    def changed_data(self) -> list[str]:
        changed = super().changed_data
        opened_at = self._opened_at()
        if not changed or self.instance.pk is None or opened_at == self.instance.updated_at:
            return changed
        version = version_at(self.instance, opened_at)
        if version is None:
            return changed  # what they saw is unknown: let the guard refuse
        shown = form_values_of(version, changed)
        return [
            name
            for name in changed
            if name != TOKEN
            and (name not in shown or self.fields[name].has_changed(shown[name], self[name].data))
        ]


class ChangelistConcurrencyForm(forms.ModelForm):
    """A row of an editable change list, refused if someone changed it since the list opened.

    Each field also sends back the value the list showed (`show_hidden_initial`), so
    a row the editor left alone is not saved at all, and a row they changed is
    refused when a field it would write no longer holds the value they saw.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def _shown(self, name: str):
        field = self.fields[name]
        raw = self._widget_data_value(field.hidden_widget(), self[name].html_initial_name)
        try:
            return field.to_python(raw)
        except ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.has_changed():
            return cleaned
        moved = [
            name
            for name, field in self.fields.items()
            if field.show_hidden_initial
            and field.has_changed(self[name].initial, self._shown(name))
        ]
        if moved:
            message = stale_row_message(self.instance, [self.fields[n].label for n in moved])
            for name in moved:
                self.add_error(name, message)
        return cleaned


def stale_row_message(instance, fields: list[str]) -> str:
    newest = instance.history.select_related("history_user").order_by("-history_date").first()
    user = newest.history_user if newest else None
    return _(
        "%(what)s “%(obj)s” was changed by someone else since you opened this list "
        "(by %(user)s); changed meanwhile: %(fields)s. Your changes to it were not saved. "
        "Reload the list, then make your changes again."
    ) % {
        "what": capfirst(str(instance._meta.verbose_name)),
        "obj": instance,
        "user": user.get_username() if user else _("an automatic task"),
        "fields": ", ".join(str(capfirst(f)) for f in fields),
    }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Readers see it on the withdrawn document's page."),
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=gettext_lazy("In the site's time zone."),
    )
