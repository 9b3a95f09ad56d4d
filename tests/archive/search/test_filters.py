"""Filters alone and combined, any/all, fuzzy dates, and facet counts."""

import datetime

import pytest

from archive.search.engine import SearchPlan
from archive.search.facets import FACETS_BY_PARAM
from tests.factories import (
    AgentFactory,
    ClassificationFactory,
    CollectionFactory,
    DeclassifyingAuthorityFactory,
    DocumentTypeFactory,
    FunderFactory,
    LanguageFactory,
    PlaceFactory,
    ProvenanceFactory,
    RepositoryFactory,
    TopicFactory,
    TranslationFactory,
    TranslatorFactory,
)

from .conftest import approve
from .helpers import facet_counts, found, search_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(make_document, russian):
    """Three cables with different descriptions; returns the authorities by facet."""
    china = PlaceFactory(name="China")
    beijing = PlaceFactory(name="Beijing", parent=china)
    hanoi = PlaceFactory(name="Hanoi")
    values = {
        "collection": [CollectionFactory(), CollectionFactory()],
        "place": [china, beijing, hanoi],
        "topic": [TopicFactory(), TopicFactory()],
        "creator": [AgentFactory(), AgentFactory()],
        "type": [DocumentTypeFactory(), DocumentTypeFactory()],
        "language": [russian, LanguageFactory(code="vi", name="Vietnamese")],
        "translation_language": [LanguageFactory(code="fr", name="French")],
        "translator": [TranslatorFactory(), TranslatorFactory()],
        "funder": [FunderFactory(), FunderFactory()],
        "repository": [RepositoryFactory(), RepositoryFactory()],
        "classification": [ClassificationFactory(), ClassificationFactory()],
        "declassified_by": [DeclassifyingAuthorityFactory(), DeclassifyingAuthorityFactory()],
    }
    first = make_document(
        title="Cable one",
        document_type=values["type"][0],
        classification=values["classification"][0],
        translation="<p>Cable text.</p>",
    )
    second = make_document(
        title="Cable two",
        document_type=values["type"][1],
        classification=values["classification"][1],
    )
    third = make_document(title="Cable three", document_type=values["type"][0])
    first.collections.add(*values["collection"])
    second.collections.add(values["collection"][1])
    first.places.add(beijing)
    second.places.add(hanoi)
    first.topics.add(values["topic"][0])
    second.topics.add(*values["topic"])
    third.topics.add(values["topic"][1])
    first.creators.add(values["creator"][0])
    second.creators.add(values["creator"][1])
    first.original_languages.add(russian)
    second.original_languages.add(values["language"][1])
    first.funders.add(values["funder"][0])
    second.funders.add(*values["funder"])
    ProvenanceFactory(
        document=first,
        repository=values["repository"][0],
        declassified_by=values["declassified_by"][0],
        declassified_on=datetime.date(1998, 3, 1),
    )
    ProvenanceFactory(
        document=second,
        repository=values["repository"][1],
        declassified_by=values["declassified_by"][1],
        declassified_on=datetime.date(2004, 12, 31),
    )
    french = TranslationFactory(
        document=second, language=values["translation_language"][0], body="<p>Texte.</p>"
    )
    french.translators.add(values["translator"][0])
    approve(french)
    english = first.translations.get()
    english.translators.add(values["translator"][1])
    approve(english)  # readers (and search) see translators once approved
    return values


def slug(obj, param):
    return getattr(obj, FACETS_BY_PARAM[param].slug_field)


EXPECTED_ALONE = {
    # param: (index of the value in archive[param], titles found)
    "collection": (1, ["Cable one", "Cable two"]),
    "place": (0, ["Cable one"]),  # China: Beijing is inside it
    "topic": (1, ["Cable two", "Cable three"]),
    "creator": (0, ["Cable one"]),
    "type": (0, ["Cable one", "Cable three"]),
    "language": (0, ["Cable one"]),
    "translation_language": (0, ["Cable two"]),
    "translator": (0, ["Cable two"]),
    "funder": (1, ["Cable two"]),
    "repository": (0, ["Cable one"]),
    "classification": (1, ["Cable two"]),
    "declassified_by": (0, ["Cable one"]),
}


@pytest.mark.parametrize("param", sorted(EXPECTED_ALONE))
def test_each_filter_alone(archive, param):
    position, titles = EXPECTED_ALONE[param]
    value = slug(archive[param][position], param)

    assert sorted(found("cable", **{param: value})) == sorted(titles)
    # Without words, the filter lists its documents by date.
    assert sorted(found(**{param: value})) == sorted(titles)


def test_filters_combine_with_each_other_and_with_words(archive):
    topic = slug(archive["topic"][1], "topic")
    funder = slug(archive["funder"][0], "funder")

    assert sorted(found(topic=topic)) == ["Cable three", "Cable two"]
    assert found(topic=topic, funder=funder) == ["Cable two"]
    assert found("three", topic=topic) == ["Cable three"]
    assert found("one", topic=topic, funder=funder) == []


def test_several_values_match_any_by_default_or_all_on_request(archive):
    topics = [slug(topic, "topic") for topic in archive["topic"]]

    assert sorted(found(topic=topics)) == ["Cable one", "Cable three", "Cable two"]
    assert found(topic=topics, topic_match="all") == ["Cable two"]


@pytest.mark.parametrize(
    ("date_from", "date_to", "titles"),
    [
        ("1965-03", "1965-06", ["Year 1965", "May 1965", "1964 to 1966"]),
        ("1965-06-01", "", ["Year 1965", "1964 to 1966"]),
        ("", "1964", ["1964 to 1966", "Before 1950", "Year 1700"]),
        ("1700-06", "1700-06", ["Before 1950", "Year 1700"]),
        ("1966", "1966", ["1964 to 1966"]),
        ("1965-06-01", "1966", ["Year 1965", "1964 to 1966"]),
        ("1949", "1949", ["Before 1950"]),
    ],
)
def test_dates_match_when_the_ranges_overlap(make_document, settings, date_from, date_to, titles):
    make_document(title="Year 1965", date_entered="1965")
    make_document(title="May 1965", date_entered="1965-05-30")
    make_document(title="1964 to 1966", date_entered="1964/1966")
    make_document(title="Before 1950", date_entered="../1950")
    make_document(title="Undated", date_entered="undated")
    make_document(title="Year 1700", date_entered="1700")  # centuries before the rest

    params = {k: v for k, v in {"date_from": date_from, "date_to": date_to}.items() if v}
    assert sorted(found(**params)) == sorted(titles)
    # Counted, not read whole (SQLite: years inside the range by FTS5 alone, the rest
    # checked), then paged: the same documents.
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "READ_WHOLE_LIMIT": 0}
    assert SearchPlan(search_for(**params)).count() == len(titles)
    assert sorted(found(**params)) == sorted(titles)
    assert sorted(found("", sort="date", **params)) == sorted(titles)


def test_facet_counts_equal_the_counts_of_the_filtered_results(archive):
    cases = [
        {"q": "cable"},
        {"q": "cable", "topic": slug(archive["topic"][1], "topic")},
        {"q": "cable", "collection": slug(archive["collection"][1], "collection")},
    ]
    for params in cases:
        query = params.pop("q")
        counts = facet_counts(query, **params)
        assert counts, params
        for param, facet in FACETS_BY_PARAM.items():
            for obj in archive[param]:
                narrowed = {**params}
                narrowed.setdefault(param, [])
                if isinstance(narrowed[param], str):
                    narrowed[param] = [narrowed[param]]
                narrowed[param] = [*narrowed[param], slug(obj, param)]
                narrowed[f"{param}_match"] = "all"
                assert counts[facet.key(obj)] == len(found(query, **narrowed)), (params, param)


def test_place_counts_include_places_inside(archive):
    counts = facet_counts("cable")
    china, beijing, hanoi = archive["place"]

    assert counts[f"pl{china.pk}"] == 1
    assert counts[f"pl{beijing.pk}"] == 1
    assert counts[f"pl{hanoi.pk}"] == 1


@pytest.mark.parametrize(
    ("years", "titles"),
    [
        ({"declassified_from": "1998", "declassified_to": "1998"}, ["Cable one"]),
        ({"declassified_from": "1999"}, ["Cable two"]),
        ({"declassified_to": "2004"}, ["Cable one", "Cable two"]),
        ({"declassified_from": "2005"}, []),
    ],
)
def test_declassification_years_filter_by_range(archive, years, titles):
    assert sorted(found(**years)) == titles
    assert sorted(found("cable", **years)) == titles


def test_declassification_filters_combine_and_count(archive):
    released = slug(archive["declassified_by"][1], "declassified_by")
    assert found(declassified_by=released, declassified_to="2000") == []
    counts = facet_counts("cable", declassified_from="1990")
    first, second = archive["declassified_by"]
    facet = FACETS_BY_PARAM["declassified_by"]
    assert (counts[facet.key(first)], counts[facet.key(second)]) == (1, 1)
    assert facet_counts("cable", declassified_to="2000")[facet.key(second)] == 0
