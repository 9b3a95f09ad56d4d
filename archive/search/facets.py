"""Facets: the filters a reader can narrow a search by, with counts for the current results.

Each facet value is a key in the index (``prefix`` + id, e.g. "to12"), so counting
all facets is one grouped pass over the matching rows (``SearchPlan.facet_counts``) and
naming the values shown is one more query (``facet_groups``).
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.utils.translation import gettext_lazy as _

FACET_LIMIT = 10

# URL parameter -> key prefix in the index.
FACET_PREFIXES = {
    "collection": "co",
    "place": "pl",
    "topic": "to",
    "language": "ol",
    "translation_language": "tl",
    "translator": "tr",
    "funder": "fu",
    "repository": "re",
    "type": "ty",
    "classification": "cl",
    "creator": "cr",
    "declassified_by": "da",
}
# Not a facet: "dy" + the year a document was declassified, for the declassification date
# range filter (filters.py), which matches any year in the range.
DECLASSIFIED_YEAR_PREFIX = "dy"


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    model_name: str
    # The document's relation to the model, as a lookup path ("places",
    # "provenance__repository"): the one list of the relations the index reads.
    field: str
    slug_field: str = "slug"
    name_field: str = "name"

    @property
    def prefix(self) -> str:
        return FACET_PREFIXES[self.param]

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model("archive", self.model_name)

    def queryset(self):
        """The values a reader may filter by."""
        manager = self.model._default_manager
        return manager.active() if self.model_name == "Collection" else manager.all()

    def key(self, obj) -> str:
        return f"{self.prefix}{obj.pk}"


FACETS = (
    Facet("collection", _("Collection"), "Collection", "collections", name_field="title"),
    Facet("place", _("Place"), "Place", "places"),
    Facet("topic", _("Topic"), "Topic", "topics"),
    Facet("creator", _("Creator"), "Agent", "creators"),
    Facet("type", _("Document type"), "DocumentType", "document_type"),
    Facet("language", _("Original language"), "Language", "original_languages", "code"),
    Facet(
        "translation_language",
        _("Translation language"),
        "Language",
        "translations__language",
        "code",
    ),
    Facet("translator", _("Translator"), "Translator", "translations__approved_translators"),
    Facet("funder", _("Funder"), "Funder", "funders"),
    Facet("repository", _("Repository"), "Repository", "provenance__repository"),
    Facet("classification", _("Classification"), "Classification", "classification"),
    Facet(
        "declassified_by",
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
    by_prefix: dict[str, list[tuple[int, int, str]]] = {facet.prefix: [] for facet in FACETS}
    for key, count in counts.items():
        values = by_prefix.get(key[:2])
        if values is not None and key[2:].isdigit():
            # By count, then by id: a shorter string of digits is a smaller number.
            values.append((-count, len(key), key))
    return {
        prefix: {int(key[2:]) for _count, _length, key in heapq.nsmallest(limit, values)}
        for prefix, values in by_prefix.items()
    }


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
        values = {}
        for obj in chosen:
            values[obj.pk] = FacetValue(
                getattr(obj, facet.slug_field),
                getattr(obj, facet.name_field),
                counts.get(facet.key(obj), 0),
                selected=True,
            )
        for ident in wanted[facet]:
            if ident not in values and (facet.prefix, ident) in labels:
                slug, name = labels[(facet.prefix, ident)]
                values[ident] = FacetValue(slug, name, counts[f"{facet.prefix}{ident}"])
        ordered = sorted(values.values(), key=lambda v: (not v.selected, -v.count, v.name))
        shown = [v for v in ordered if v.selected] + [v for v in ordered if not v.selected][
            : max(0, limit - len(chosen))
        ]
        if not shown:
            continue
        match_all = params.get(f"{facet.param}_match") == "all"
        others = _url(pairs, {facet.param: []})  # the query string without this facet
        for value in shown:
            slugs = (
                [s for s in chosen_slugs if s != value.slug]
                if value.selected
                else [*chosen_slugs, value.slug]
            )
            value.url = (
                others
                + ("&" if len(others) > 1 else "")
                + urlencode([(facet.param, slug) for slug in slugs])
            )
        groups.append(
            FacetGroup(
                facet,
                shown,
                match_all=match_all,
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
