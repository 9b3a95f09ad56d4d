"""Change lists of the tables that grow with the archive, at a cost that does not.

Filtered and searched lists: Django sorts the matching rows and returns a page, with
`SELECT DISTINCT` over every column when a filter or search goes through a relation (a
document's languages, collections) and could match a row twice. The database then
either finds every match before sorting, or reads the list's order off its index and
looks up row after row until a page is full, every row when there are few matches
(SQLite, 100,000 documents: a record id searched, 2 s). `LeanChangeList` asks for each
list the way that stops early:

* a page of few matches (the paginator counted them all): the rows whose id is among
  the matches' ids (`IN`), found once, then put in order;
* a page of many matches: the list's order off its index, each row checked for a match
  (by `EXISTS` where a relation could repeat it), until the page is full;
* the count: as the list, but through a relation by `IN` (an `EXISTS` would check every
  row of the table when few match: a collection of 1,700 documents, 58 ms against 2);
  see `curation.paginators` for how far it counts.

A search through a to-many relation (a document's creators' names) is asked as "the id
is among the documents of a matching creator" rather than by joining every document to
its creators, so a searched list needs no DISTINCT.
"""

from django.contrib.admin import helpers
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from curation.paginators import EstimatedCountPaginator

# The count reaches no further than this page; a page past it is refused as a page past
# the last is.
LAST_PAGE = 1_000_000


class LeanChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if not queryset.query.where:
            return queryset
        matches = queryset.order_by()
        matches.query.distinct = False  # QuerySet.distinct() cannot be undone publicly
        few = self._listed(self.root_queryset.filter(pk__in=matches.values("pk")), queryset)
        # Read by EstimatedCountPaginator; the change list hands it this very queryset.
        if queryset.query.distinct:
            exists = Exists(matches.filter(pk=OuterRef("pk")))
            few.paged_when_many = self._listed(self.root_queryset.filter(exists), queryset)
        else:
            few.counted_as = few.paged_when_many = queryset
        return few

    def get_results(self, request):
        super().get_results(request)
        if self.paginator.count_is != "exact":
            self.can_show_all = False  # "all" of an uncounted list has no bound

    def _listed(self, rows, like):
        if not rows.query.select_related:
            rows = self.apply_select_related(rows)
        return rows.order_by(*like.query.order_by)


class LeanChangeListAdmin:
    """ModelAdmin mixin: the lean change list, and a paginator that estimates or stops
    counting (the page asked for tells it how far to count)."""

    paginator = EstimatedCountPaginator
    # "N total" would count the whole table exactly on every search.
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return LeanChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page = min(int(request.GET.get(PAGE_VAR, 1)), LAST_PAGE)
        except ValueError:
            page = 1
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, page=page)

    def action_checkbox(self, obj):
        """Django's checkbox, written directly: rendering a form widget's template per row
        took a quarter of the document list's time."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_search_results(self, request, queryset, search_term):
        """Django's search (every word in one of the fields; "=" exact, "^" at the start,
        "@" full text), with each field across a to-many relation asked as a subquery of
        ids: no row repeats, so the list needs no DISTINCT."""
        fields = self.get_search_fields(request)
        opts = queryset.model._meta
        lookups = [_search_lookup(field) for field in fields]
        if not search_term or not any(lookup_spawns_duplicates(opts, lk) for lk in lookups):
            return super().get_search_results(request, queryset, search_term)
        words = []
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            anywhere = Q()
            for lookup in lookups:
                match = Q(**{lookup: word})
                if lookup_spawns_duplicates(opts, lookup):
                    match = Q(pk__in=queryset.model._default_manager.filter(match).values("pk"))
                anywhere |= match
            words.append(anywhere)
        return queryset.filter(*words), False


def _search_lookup(field: str) -> str:
    prefixes = {"=": "iexact", "^": "istartswith", "@": "search"}
    if field[:1] in prefixes:
        return f"{field[1:]}__{prefixes[field[0]]}"
    return f"{field}__icontains"
