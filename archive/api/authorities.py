"""The authorities /api/v1/ lists: one declaration per kind (its public names, page,
search filter and extra fields) feeds the list and detail endpoints of all of them.

Only names with published documents are listed, as on the browse pages: a name that only
drafts use is not public yet.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse

from archive import selectors
from archive.api import records, schemas
from archive.models import Agent, Document, Place, Translator


def people_with_counts() -> QuerySet[Agent]:
    """People and organizations who wrote a published document (the search page's creator
    filter), with how many.

    Counted per person on the creators table's agent index: a grouped join of every
    person with every document (COUNT DISTINCT, grouped by all of the person's columns)
    took 3 s per query at 100k documents on SQLite, and a page runs it twice (list and
    count)."""
    written = Document.creators.through.objects.filter(
        agent_id=OuterRef("pk"), document__status=selectors.PUBLISHED
    )
    count = written.order_by().values("agent_id").annotate(count=Count("*")).values("count")
    # Exists to select (it stops at the first document; the list's COUNT runs it for every
    # person), the count only for the rows of the page shown.
    return Agent.objects.filter(Exists(written)).annotate(document_count=Subquery(count))


def person_with_documents(slug: str) -> Agent | None:
    """Anyone named on a published document, recipients included (documents link to them)."""
    agent = people_with_counts().filter(slug=slug).first()
    if agent is None:
        published = selectors.published_documents().filter(recipients=OuterRef("pk"))
        agent = Agent.objects.filter(Exists(published), slug=slug).first()
        if agent is not None:
            agent.document_count = 0  # none written
    return agent


def public_places(**filters) -> list[Place]:
    """Places with published documents (in them or inside them), by name, with counts."""
    counts = selectors.place_counts()
    places = list(
        Place.objects.filter(pk__in=list(counts), **filters)
        .select_related("parent")
        .order_by("name", "pk")
    )
    for place in places:
        place.document_count = counts[place.pk]
    return places


def by_name(items: Callable[[], QuerySet]) -> Callable:
    """(**filters) -> the public ones matching, by name."""
    return lambda **filters: items().filter(**filters).order_by("name", "pk")


@dataclass(frozen=True)
class Kind:
    path: str  # "places": /api/v1/places, operation ids list_places / get_place
    singular: str
    find: Callable  # (**filters) -> the public ones matching, by name, with document_count
    item_schema: type
    detail_schema: type
    page: str | None  # the public page's URL name
    # The /search/ (and documents list) parameter for its documents; for people, "creator":
    # the documents they wrote (recipients are listed too, but search does not filter by them).
    filter_param: str
    extra: Callable = lambda request, obj: {}
    detail_extra: Callable = lambda request, obj: {}

    def get(self, slug: str):
        if self.path == "people":
            return person_with_documents(slug)
        return next(iter(self.find(slug=slug)[:1]), None)


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
    children = public_places(parent=place)
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
        public_places,
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
        by_name(selectors.topics_with_counts),
        schemas.AuthorityOut,
        schemas.TopicDetail,
        "archive:topic_detail",
        "topic",
        detail_extra=lambda request, topic: {"description": topic.description},
    ),
    Kind(
        "people",
        "person",
        by_name(people_with_counts),
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
        by_name(selectors.translators_with_counts),
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
        by_name(selectors.funders_with_counts),
        schemas.FunderOut,
        schemas.AuthorityOut,
        "archive:funder_detail",
        "funder",
        extra=lambda request, f: {"credit_line": f.credit_line, "website": f.url},
    ),
    Kind(
        "repositories",
        "repository",
        by_name(selectors.repositories_with_counts),
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
