"""The authorities /api/v1/ lists: one declaration per kind (its public names, page,
search filter and extra fields) feeds the list and detail endpoints of all of them.

Only names with published documents are listed, as on the browse pages: a name that only
drafts use is not public yet.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from archive import selectors
from archive.api import records, schemas
from archive.models import Agent, Place, Translator


def people_with_counts() -> QuerySet[Agent]:
    """People and organizations who wrote or received a published document."""
    documents = (
        selectors.published_documents()
        .filter(Q(creators=OuterRef("pk")) | Q(recipients=OuterRef("pk")))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    count = Coalesce(Subquery(documents, output_field=IntegerField()), 0)
    return Agent.objects.annotate(document_count=count).filter(document_count__gt=0)


@dataclass(frozen=True)
class Kind:
    path: str  # "places": /api/v1/places, operation ids list_places / get_place
    singular: str
    items: Callable[[], QuerySet]
    item_schema: type
    detail_schema: type
    page: str | None  # the public page's URL name
    # The /search/ (and documents list) parameter for its documents; for people, "creator":
    # the documents they wrote (recipients are listed too, but search does not filter by them).
    filter_param: str
    extra: Callable = lambda request, obj: {}
    detail_extra: Callable = lambda request, obj: {}
    select: tuple[str, ...] = ()


def _page_url(request, kind: Kind, obj) -> str:
    if kind.page:
        return records.absolute(request, reverse(kind.page, args=[obj.slug]))
    return f"{records.absolute(request, reverse('search:results'))}?{kind.filter_param}={obj.slug}"


def authority_item(request, kind: Kind, obj) -> dict:
    return {
        "name": obj.name,
        "slug": obj.slug,
        "document_count": obj.document_count,
        "url": _page_url(request, kind, obj),
        "api_url": records.api_url(request, f"{kind.singular}_detail", slug=obj.slug),
        "documents_url": records.documents_url(request, kind.filter_param, obj.slug),
        **kind.extra(request, obj),
    }


def authority_detail(request, kind: Kind, obj) -> dict:
    return {**authority_item(request, kind, obj), **kind.detail_extra(request, obj)}


def _place_link(request, place: Place) -> dict:
    return records.link(request, place, page="archive:place_detail", api="place_detail")


def _place_extra(request, place: Place) -> dict:
    return {"parent": _place_link(request, place.parent) if place.parent else None}


def _place_detail_extra(request, place: Place) -> dict:
    # Only places with published documents (inside them) are public.
    children = selectors.places_with_counts().filter(parent=place).order_by("name")
    return {
        "ancestors": [_place_link(request, p) for p in selectors.place_ancestors(place)],
        "children": [_place_link(request, p) for p in children],
    }


def _translator_detail_extra(request, translator: Translator) -> dict:
    return {
        "biography": translator.biography,
        "working_languages": [
            {"code": language.code, "name": language.name}
            for language in translator.working_languages.all()
        ],
    }


KINDS = (
    Kind(
        "places",
        "place",
        selectors.places_with_counts,
        schemas.PlaceOut,
        schemas.PlaceDetail,
        "archive:place_detail",
        "place",
        extra=_place_extra,
        detail_extra=_place_detail_extra,
    ),
    Kind(
        "topics",
        "topic",
        selectors.topics_with_counts,
        schemas.AuthorityOut,
        schemas.TopicDetail,
        "archive:topic_detail",
        "topic",
        detail_extra=lambda request, topic: {"description": topic.description},
    ),
    Kind(
        "people",
        "person",
        people_with_counts,
        schemas.AgentOut,
        schemas.AgentDetail,
        None,
        "creator",
        extra=lambda request, agent: {"kind": agent.kind},
        detail_extra=lambda request, agent: {"description": agent.description},
    ),
    Kind(
        "translators",
        "translator",
        selectors.translators_with_counts,
        schemas.TranslatorOut,
        schemas.TranslatorDetail,
        "archive:translator_detail",
        "translator",
        extra=lambda request, t: {"affiliation": t.affiliation, "website": t.url},
        detail_extra=_translator_detail_extra,
    ),
    Kind(
        "funders",
        "funder",
        selectors.funders_with_counts,
        schemas.FunderOut,
        schemas.AuthorityOut,
        "archive:funder_detail",
        "funder",
        extra=lambda request, f: {"credit_line": f.credit_line, "website": f.url},
    ),
    Kind(
        "repositories",
        "repository",
        selectors.repositories_with_counts,
        schemas.RepositoryOut,
        schemas.RepositoryDetail,
        "archive:repository_detail",
        "repository",
        extra=lambda request, r: {"location": r.location, "website": r.url},
        detail_extra=lambda request, r: {"description": r.description},
    ),
)


# Collections: titles rather than names, a parent, children and related collections.


def collection_item(request, collection) -> dict:
    return {
        "title": collection.title,
        "slug": collection.slug,
        "short_description": collection.short_description,
        "featured": collection.featured,
        "parent": records.collection_link(request, collection.parent)
        if collection.parent_id and collection.parent.active
        else None,
        "document_count": collection.document_count,
        "url": records.absolute(request, collection.get_absolute_url()),
        "api_url": records.api_url(request, "collection_detail", slug=collection.slug),
        "documents_url": records.documents_url(request, "collection", collection.slug),
    }


def collection_detail(request, collection) -> dict:
    return {
        **collection_item(request, collection),
        "description_html": collection.description,
        "image_url": records.absolute(request, collection.image.url) if collection.image else None,
        "image_alt": collection.image_alt,
        "image_caption": collection.image_caption,
        "children": [records.collection_link(request, c) for c in collection.active_children],
        "related_collections": [
            records.collection_link(request, c) for c in collection.active_related
        ],
        "updated_at": collection.updated_at,
    }
