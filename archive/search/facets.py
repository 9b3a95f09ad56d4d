"""Facets: the filters a reader can narrow a search by, with counts for the current results.

Each facet value is a key in the index (``prefix`` + id, e.g. "to12"), so counting
all facets is one grouped pass over the matching rows (``backend.facet_counts``) and
naming the values shown is one more query (``facet_groups``).
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Value
from django.utils.translation import gettext_lazy as _

FACET_LIMIT = 10
# Result sets larger than this have their facets counted on a sample of about
# FACET_SAMPLE_SIZE documents (every n-th id), scaled up and shown as estimates, to keep
# a search within its latency budget. Settings can raise the limit.
FACET_EXACT_LIMIT = 5_000
FACET_SAMPLE_SIZE = 2_500

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
}


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    model_name: str
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
    Facet("collection", _("Collection"), "Collection", name_field="title"),
    Facet("place", _("Place"), "Place"),
    Facet("topic", _("Topic"), "Topic"),
    Facet("creator", _("Creator"), "Agent"),
    Facet("type", _("Document type"), "DocumentType"),
    Facet("language", _("Original language"), "Language", slug_field="code"),
    Facet("translation_language", _("Translation language"), "Language", slug_field="code"),
    Facet("translator", _("Translator"), "Translator"),
    Facet("funder", _("Funder"), "Funder"),
    Facet("repository", _("Repository"), "Repository"),
    Facet("classification", _("Classification"), "Classification"),
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


def count_facets(results) -> tuple[Counter, bool]:
    """Facet counts for these ``SearchResults``, and whether they are estimates."""
    from django.conf import settings

    if results.estimate is not None:
        return results.estimate.facets, True
    total = results.count()
    limit = getattr(settings, "DOSSIER_SEARCH_FACET_EXACT_LIMIT", FACET_EXACT_LIMIT)
    step = 1 if total <= limit else max(2, -(-total // FACET_SAMPLE_SIZE))
    counts = results.backend.facet_counts(results.search, sample_every=step)
    if step == 1:
        return counts, False
    return Counter({key: count * step for key, count in counts.items()}), True


def _labels(wanted: dict[Facet, set[int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """(prefix, id) -> (slug, name) for the wanted values: one UNION query."""
    parts = []
    for facet, ids in wanted.items():
        if ids:
            parts.append(
                facet.queryset()
                .filter(pk__in=ids)
                .order_by()
                .annotate(k=Value(facet.prefix), s=F(facet.slug_field), n=F(facet.name_field))
                .values_list("k", "pk", "s", "n")
            )
    if not parts:
        return {}
    query = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]).order_by()
    return {(k, pk): (slug, name) for k, pk, slug, name in query}


def facet_groups(counts: Counter, selected: dict[str, list], params, *, limit=FACET_LIMIT):
    """The facet lists shown beside the results: the most frequent values, and every
    selected one, each with its count and the URL that adds or removes it."""
    by_prefix: dict[str, list[tuple[int, int]]] = {}
    for key, count in counts.items():
        prefix, ident = key[:2], key[2:]
        if ident.isdigit():
            by_prefix.setdefault(prefix, []).append((count, int(ident)))
    wanted: dict[Facet, set[int]] = {}
    for facet in FACETS:
        top = sorted(by_prefix.get(facet.prefix, []), key=lambda pair: (-pair[0], pair[1]))
        wanted[facet] = {ident for _count, ident in top[: limit * 2]}
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
        for value in shown:
            slugs = (
                [s for s in chosen_slugs if s != value.slug]
                if value.selected
                else [*chosen_slugs, value.slug]
            )
            value.url = _url(pairs, {facet.param: slugs})
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
