"""DocumentFilter: the search form. It validates every parameter of /search/ and
builds a ``Search`` from them; a parameter it cannot use is a form error, which the
page shows as a message."""

import datetime
import re
from dataclasses import replace

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from archive.dates import parse_historical_date
from archive.search.backends import FacetFilter, Search, Sort
from archive.search.facets import DECLASSIFIED_YEAR_PREFIX, FACETS
from archive.search.query import QueryError, parse_query

MAX_VALUES = 20
_DATE_FORM = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)


class QueryField(forms.CharField):
    """The keywords, parsed into a ``ParsedQuery`` (or None when empty)."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_query(value or "")
        except QueryError as error:
            raise ValidationError(str(error), code="query") from error


class DateBoundField(forms.CharField):
    """YYYY, YYYY-MM or YYYY-MM-DD; the earliest (``bound="from"``) or latest day it means."""

    def __init__(self, *args, bound: str, **kwargs):
        self.bound = bound
        super().__init__(*args, max_length=10, **kwargs)

    def clean(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 10 or not _DATE_FORM.fullmatch(value):
            raise ValidationError(
                _(
                    "“%(value)s” is not a date: write a year (1965), a month (1965-03) "
                    "or a day (1965-03-30)."
                ),
                params={"value": value[:20]},
                code="date",
            )
        try:
            parsed = parse_historical_date(value)
        except ValidationError as error:
            raise ValidationError(
                _("“%(value)s” is not a date that exists."), params={"value": value}, code="date"
            ) from error
        return parsed.earliest if self.bound == "from" else parsed.latest


class FacetChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("There is no %(label)s “%(value)s”."),
        "too_many": _("Choose at most %(max)d values for %(label)s."),
    }

    def clean(self, value):
        if value and len(value) > MAX_VALUES:
            raise ValidationError(
                self.error_messages["too_many"],
                params={"max": MAX_VALUES, "label": self.label},
                code="too_many",
            )
        return super().clean(value)

    def _check_values(self, value):
        # Django's message names only the value; ours names the filter too.
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code in ("invalid_choice", "invalid_pk_value"):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"label": str(self.label).lower(), **(error.params or {})},
                ) from error
            raise


class FacetChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = FacetChoiceField


class QueryFilter(django_filters.Filter):
    field_class = QueryField


class DateBoundFilter(django_filters.Filter):
    field_class = DateBoundField


MATCH_CHOICES = (("any", _("any")), ("all", _("all")))


class DocumentFilter(django_filters.FilterSet):
    q = QueryFilter(label=_("Search the archive"), required=False)
    date_from = DateBoundFilter(bound="from", label=_("From"), required=False)
    date_to = DateBoundFilter(bound="to", label=_("To"), required=False)
    sort = django_filters.ChoiceFilter(choices=Sort.choices, label=_("Sort by"), empty_label=None)
    # Years, matched through the "dy<year>" keys of the index (facets.py).
    declassified_from = django_filters.NumberFilter(
        label=_("Declassified from (year)"), required=False, min_value=1800, max_value=2200
    )
    declassified_to = django_filters.NumberFilter(
        label=_("Declassified to (year)"), required=False, min_value=1800, max_value=2200
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.filters[facet.param] = FacetChoiceFilter(
                field_name=facet.param,
                queryset=facet.queryset(),
                to_field_name=facet.slug_field,
                label=facet.label,
            )
            self.filters[f"{facet.param}_match"] = django_filters.ChoiceFilter(
                choices=MATCH_CHOICES, label=_("Match"), empty_label=None
            )

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        for start, end, message in (
            ("date_from", "date_to", _("The end date is before the start date.")),
            ("declassified_from", "declassified_to", _("The end year is before the start year.")),
        ):
            if None not in (data.get(start), data.get(end)) and data[start] > data[end]:
                self.form.add_error(end, message)
        return not self.form.errors

    def selected(self) -> dict[str, list]:
        """The chosen facet values, by parameter (model instances)."""
        return {facet.param: self._chosen(facet) for facet in FACETS}

    def _chosen(self, facet) -> list:
        # A facet not in the query string is an empty queryset: no need to ask it.
        if not self.form.data.getlist(facet.param):
            return []
        return list(self.form.cleaned_data.get(facet.param) or [])

    def filter_queryset(self, search: Search) -> Search:
        """Build the Search (django-filter's queryset here is a ``Search``)."""
        data = self.form.cleaned_data
        facets = [
            FacetFilter(tuple(map(facet.key, chosen)), data.get(f"{facet.param}_match") == "all")
            for facet in FACETS
            if (chosen := self._chosen(facet))
        ]
        if years := self._declassified_years(data):
            facets.append(FacetFilter(tuple(years), False))
        return replace(
            search,
            query=data.get("q"),
            facets=tuple(facets),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or Sort.RELEVANCE,
        )

    @staticmethod
    def _declassified_years(data: dict) -> list[str]:
        start, end = data.get("declassified_from"), data.get("declassified_to")
        if start is None and end is None:
            return []
        # An open end reaches the earliest or latest year anything can have been released.
        start = int(start if start is not None else 1900)
        end = int(end if end is not None else datetime.date.today().year)
        return [f"{DECLASSIFIED_YEAR_PREFIX}{year}" for year in range(start, end + 1)]
