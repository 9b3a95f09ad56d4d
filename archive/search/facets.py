"""Facets: the filters a reader can narrow a search by, with counts for the current results.

Each facet value is a key in the index (``prefix`` + id, e.g. "to12"), so counting
all facets is one grouped pass over the matching rows (``SearchPlan.facet_counts``) and
naming the values shown is one more query (``facet_groups``).
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext_lazy as _

FACET_LIMIT = 10
# Not a facet: "dy" + the year a document was declassified, for the declassification date
# range filter (filters.py), which matches any year in the range.
DECLASSIFIED_YEAR_PREFIX = "dy"


@dataclass(frozen=True)
class Facet:
    param: str  # in the URL
    prefix: str  # of its keys in the index
    label: str
    model_name: str
    # The document's relation to the model, as a lookup path ("places",
    # "provenance__repository"): the one list of the relations the index reads.
    field: str
    slug_field: str = "slug"
    name_field: str = "name"

    @property
    def model(self):
        return apps.get_model("archive", self.model_name)

    def queryset(self):
        """The values a reader may filter by."""
        manager = self.model._default_manager
        return manager.active() if self.model_name == "Collection" else manager.all()

    def key(self, obj) -> str:
        return f"{self.prefix}{obj.pk}"


FACETS = (
    Facet("collection", "co", _("Collection"), "Collection", "collections", name_field="title"),
    Facet("place", "pl", _("Place"), "Place", "places"),
    Facet("topic", "to", _("Topic"), "Topic", "topics"),
    Facet("creator", "cr", _("Creator"), "Agent", "creators"),
    Facet("type", "ty", _("Document type"), "DocumentType", "document_type"),
    Facet("language", "ol", _("Original language"), "Language", "original_languages", "code"),
    Facet(
        "translation_language",
        "tl",
        _("Translation language"),
        "Language",
        "translations__language",
        "code",
    ),
    Facet("translator", "tr", _("Translator"), "Translator", "translations__approved_translators"),
    Facet("funder", "fu", _("Funder"), "Funder", "funders"),
    Facet("repository", "re", _("Repository"), "Repository", "provenance__repository"),
    Facet("classification", "cl", _("Classification"), "Classification", "classification"),
    Facet(
        "declassified_by",
        "da",
        _("Declassified by"),
        "DeclassifyingAuthority",
        "provenance__declassified_by",
    ),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass
class FacetGroup:
    facet: Facet
    values: list[FacetValue] = field(default_factory=list)
    match_all: bool = False
    any_url: str = ""
    all_url: str = ""

    @property
    def selected_count(self) -> int:
        return sum(value.selected for value in self.values)


def _top_ids(counts: Counter, limit: int) -> dict[str, set[int]]:
    """The ids of each facet's ``limit`` most frequent values (ties: lowest id first)."""
    by_prefix: dict[str, list[tuple[int, int]]] = {facet.prefix: [] for facet in FACETS}
    for key, count in counts.items():
        if key[:2] in by_prefix and key[2:].isdigit():
            by_prefix[key[:2]].append((-count, int(key[2:])))
    return {prefix: {pk for _, pk in heapq.nsmallest(limit, v)} for prefix, v in by_prefix.items()}


def _labels(wanted: dict[Facet, set[int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """(prefix, id) -> (slug, name) for the wanted values: one UNION query."""
    parts, params = [], []
    for facet, ids in wanted.items():
        if ids:
            meta, qn = facet.model._meta, connection.ops.quote_name
            pk = qn(meta.pk.column)
            slug, name = (
                qn(meta.get_field(f).column) for f in (facet.slug_field, facet.name_field)
            )
            where = f"{pk} IN ({', '.join(['%s'] * len(ids))})"
            if facet.model_name == "Collection":  # as Facet.queryset: active ones only
                where += f" AND {qn('active')}"
            parts.append(f"SELECT %s, {pk}, {slug}, {name} FROM {qn(meta.db_table)} WHERE {where}")
            params += [facet.prefix, *sorted(ids)]
    if not parts:
        return {}
    # Raw SQL: compiling eleven ORM querysets into a UNION took longer than running it.
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {(k, pk): (slug, name) for k, pk, slug, name in cursor.fetchall()}


def facet_groups(counts: Counter, selected: dict[str, list], params, *, limit=FACET_LIMIT):
    """The facet lists shown beside the results: the most frequent values, and every
    selected one, each with its count and the URL that adds or removes it."""
    top = _top_ids(counts, limit * 2)
    wanted = {facet: top[facet.prefix] for facet in FACETS}
    labels = _labels(wanted)

    pairs = [(name, value) for name, values in params.lists() if name != "page" for value in values]
    groups = []
    for facet in FACETS:
        chosen = selected.get(facet.param) or []
        chosen_slugs = [getattr(obj, facet.slug_field) for obj in chosen]
        values = {
            obj.pk: FacetValue(
                getattr(obj, facet.slug_field),
                getattr(obj, facet.name_field),
                counts.get(facet.key(obj), 0),
                selected=True,
            )
            for obj in chosen
        }
        for ident in wanted[facet] - values.keys():
            if (label := labels.get((facet.prefix, ident))) is not None:
                values[ident] = FacetValue(*label, counts[f"{facet.prefix}{ident}"])
        ordered = sorted(values.values(), key=lambda v: (not v.selected, -v.count, v.name))
        shown = ordered[: max(limit, len(chosen))]  # every selected value, and the top ones
        if not shown:
            continue
        for value in shown:  # the URL that removes a selected value, or adds another
            kept = [slug for slug in chosen_slugs if slug != value.slug]
            value.url = _url(pairs, {facet.param: kept if value.selected else [*kept, value.slug]})
        groups.append(
            FacetGroup(
                facet,
                shown,
                match_all=params.get(f"{facet.param}_match") == "all",
                any_url=_url(pairs, {f"{facet.param}_match": []}),
                all_url=_url(pairs, {f"{facet.param}_match": ["all"]}),
            )
        )
    return groups


def _url(pairs: list[tuple[str, str]], changes: dict[str, list[str]]) -> str:
    """The current query string with `changes` applied, back on the first page."""
    kept = [(name, value) for name, value in pairs if name not in changes]
    kept += [(name, value) for name, values in changes.items() for value in values]
    return "?" + urlencode(kept)
