"""Authorities' variant names in the reading room (issue 17, item 4): the place and repository
pages list them, and the browse indexes find an authority by any of its names."""

import pytest

from tests.factories import (
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    RepositoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def beijing():
    place = PlaceFactory(name="Beijing", variant_names="Peking\nPei-p'ing\n北京")
    other = PlaceFactory(name="Moscow", variant_names="Moskva\nМосква")
    for where in (place, other):
        PublishedDocumentFactory().places.add(where)
    return place


def test_the_place_page_lists_its_variant_names(client, beijing):
    response = client.get(f"/places/{beijing.slug}/")

    assert "Also known as:" in response.text
    for name in ("Peking", "Pei-p&#x27;ing", "北京"):
        assert f'<span class="variant-name">{name}</span>' in response.text


def test_the_repository_page_lists_its_variant_names(client):
    repository = RepositoryFactory(
        name="PRC Foreign Ministry Archive", variant_names="中华人民共和国外交部档案馆"
    )
    ProvenanceFactory(document=PublishedDocumentFactory(), repository=repository)

    response = client.get(f"/repositories/{repository.slug}/")

    assert '<span class="variant-name">中华人民共和国外交部档案馆</span>' in response.text


@pytest.mark.parametrize("typed", ["Peking", "peking", "北京", "Beij"])
def test_a_place_is_found_by_any_of_its_names(client, beijing, django_assert_num_queries, typed):
    with django_assert_num_queries(2):  # as the whole index
        response = client.get("/places/", {"name": typed})

    names = [item.name for item in response.context["page"].object_list]
    assert names == ["Beijing"]
    assert "1 match for" in response.text


def test_a_lookup_matching_nothing_says_so(client, beijing):
    response = client.get("/places/", {"name": "Saigon"})

    assert list(response.context["page"].object_list) == []
    assert "No name matches." in response.text


@pytest.mark.parametrize("typed", ["%", "_", "x" * 5000, "\\", "' OR 1=1 --"])
def test_odd_lookups_are_plain_text(client, beijing, typed):
    response = client.get("/places/", {"name": typed})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_kinds_without_variant_names_offer_no_lookup(client):
    response = client.get("/topics/", {"name": "anything"})

    assert response.status_code == 200
    assert 'name="name"' not in response.text
