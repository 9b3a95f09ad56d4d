"""The facet lists beside the results (archive.search.facets.facet_groups): which values
are shown, in what order, with their counts and the links that add or remove them."""

from collections import Counter
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from archive.models import Document
from archive.search.facets import FACETS, facet_groups
from tests.factories import CollectionFactory, PlaceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def query_of(url: str) -> dict[str, list[str]]:
    assert url.startswith("?")
    return parse_qs(url[1:])


@pytest.fixture
def topics():
    return [TopicFactory(name=name, slug=name.lower()) for name in ("Aid", "Borders", "Cables")]


def groups_by_param(*args, **kwargs):
    return {group.facet.param: group for group in facet_groups(*args, **kwargs)}


def test_values_are_shown_most_frequent_first_with_their_counts(topics):
    aid, borders, cables = topics
    counts = Counter({f"to{aid.pk}": 2, f"to{borders.pk}": 7, f"to{cables.pk}": 2})
    groups = groups_by_param(counts, {}, QueryDict("q=treaty"))
    shown = [(v.name, v.count, v.selected) for v in groups["topic"].values]
    # Ties by name.
    assert shown == [("Borders", 7, False), ("Aid", 2, False), ("Cables", 2, False)]


def test_facets_without_values_are_left_out(topics):
    groups = groups_by_param(Counter({f"to{topics[0].pk}": 1}), {}, QueryDict(""))
    assert list(groups) == ["topic"]


def test_selected_values_come_first_even_when_rare_and_count_towards_the_limit(topics):
    aid, borders, cables = topics
    counts = Counter({f"to{aid.pk}": 9, f"to{borders.pk}": 5})
    groups = groups_by_param(counts, {"topic": [cables]}, QueryDict("topic=cables"), limit=2)
    shown = [(v.name, v.count, v.selected) for v in groups["topic"].values]
    assert shown == [("Cables", 0, True), ("Aid", 9, False)]
    assert groups["topic"].selected_count == 1


def test_links_add_or_remove_a_value_and_go_back_to_the_first_page(topics):
    aid, borders, _cables = topics
    counts = Counter({f"to{aid.pk}": 3, f"to{borders.pk}": 1})
    params = QueryDict("q=treaty&topic=borders&page=4")
    groups = groups_by_param(counts, {"topic": [borders]}, params)
    links = {v.slug: query_of(v.url) for v in groups["topic"].values}
    assert links["aid"] == {"q": ["treaty"], "topic": ["borders", "aid"]}
    assert links["borders"] == {"q": ["treaty"]}


def test_match_all_is_offered_and_kept(topics):
    counts = Counter({f"to{topics[0].pk}": 1})
    group = groups_by_param(counts, {}, QueryDict("q=x&topic_match=all"))["topic"]
    assert group.match_all
    assert query_of(group.any_url) == {"q": ["x"]}
    assert query_of(group.all_url) == {"q": ["x"], "topic_match": ["all"]}


def test_inactive_collections_are_not_offered():
    active = CollectionFactory(title="Border talks", active=True)
    hidden = CollectionFactory(title="Hidden", active=False)
    counts = Counter({f"co{active.pk}": 1, f"co{hidden.pk}": 5})
    values = groups_by_param(counts, {}, QueryDict(""))["collection"].values
    assert [v.name for v in values] == ["Border talks"]


def test_places_count_under_their_own_key():
    china = PlaceFactory(name="China")
    beijing = PlaceFactory(name="Beijing", parent=china)
    counts = Counter({f"pl{china.pk}": 4, f"pl{beijing.pk}": 3})
    values = groups_by_param(counts, {}, QueryDict(""))["place"].values
    assert [(v.name, v.count) for v in values] == [("China", 4), ("Beijing", 3)]


@pytest.mark.parametrize("facet", FACETS, ids=lambda facet: facet.param)
def test_each_facet_names_a_relation_of_the_document_to_its_model(facet):
    model = Document
    for name in facet.field.split("__"):
        model = model._meta.get_field(name).related_model
    assert model is facet.model
