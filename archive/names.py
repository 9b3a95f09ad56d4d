"""Finding an authority by any of its names: "Peking" finds Beijing, "毛泽东" Mao Zedong.

Authorities with variant names (archive.models.base.HasVariantNames) keep them one a line
beside the name; the browse pages look names up here. The search index is to read the same
field (`variant_names`) when it indexes a document's places, people and repositories.
"""

from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

from archive.models.base import HasVariantNames

LOOKUP_PARAMETER = "name"
LONGEST_LOOKUP = 200


def has_variant_names(model: type[Model]) -> bool:
    return issubclass(model, HasVariantNames)


def lookup_of(query: QueryDict, model: type[Model]) -> str:
    """The name a reader typed to look up, if this kind of authority can be looked up."""
    if not has_variant_names(model):
        return ""
    return query.get(LOOKUP_PARAMETER, "").strip()[:LONGEST_LOOKUP]


def named[T: QuerySet | list](items: T, text: str) -> T:
    """The authorities whose name or one of whose variant names contains `text` (a
    queryset, or a list of authorities already read)."""
    if isinstance(items, QuerySet):
        return items.filter(Q(name__icontains=text) | Q(variant_names__icontains=text))
    wanted = text.casefold()
    return [item for item in items if wanted in f"{item.name}\n{item.variant_names}".casefold()]
