"""The search engine on the database in use (the suite runs on SQLite and PostgreSQL)."""

import html
import re

import pytest
from django.db import connection

from archive.models import Document
from archive.search.backends import get_backend
from archive.search.engine import READ_WHOLE, SearchPlan
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    DocumentFactory,
    TopicFactory,
    TranslationFactory,
)

from .conftest import approve
from .helpers import found, search_for

pytestmark = pytest.mark.django_db


def test_all_words_must_match(make_document):
    make_document(title="Cable on the grain harvest", transcript="<p>Grain prices rose.</p>")
    make_document(title="Cable on the oil harvest", transcript="<p>Oil prices fell.</p>")

    assert found("grain prices") == ["Cable on the grain harvest"]


def test_quoted_phrase_matches_words_in_that_order(make_document):
    make_document(title="One", transcript="<p>The foreign ministry replied at once.</p>")
    make_document(title="Two", transcript="<p>The ministry of foreign trade replied.</p>")

    assert found('"foreign ministry"') == ["One"]
    assert sorted(found("foreign ministry")) == ["One", "Two"]


def test_or_matches_either_word(make_document):
    make_document(title="A telegram")
    make_document(title="A memorandum")
    make_document(title="A letter")

    assert sorted(found("telegram OR memorandum")) == ["A memorandum", "A telegram"]


def test_minus_excludes_a_word_or_phrase(make_document):
    make_document(title="Ministry report", transcript="<p>Notes on foreign trade.</p>")
    make_document(title="Ministry cable", transcript="<p>Notes on the harvest.</p>")

    assert found("ministry -trade") == ["Ministry cable"]
    assert found('ministry -"foreign trade"') == ["Ministry cable"]


def test_words_are_matched_by_their_stem(make_document):
    make_document(title="Meeting", transcript="<p>The ministries negotiated.</p>")

    assert found("ministry negotiation") == ["Meeting"]


def test_title_match_outranks_summary_outranks_body(make_document):
    make_document(title="Body", summary="A note.", transcript="<p>Khrushchev spoke twice.</p>")
    make_document(title="Title about Khrushchev", summary="A note.", transcript="<p>Text.</p>")
    make_document(title="Summary", summary="Khrushchev's visit.", transcript="<p>Text.</p>")

    assert found("Khrushchev") == ["Title about Khrushchev", "Summary", "Body"]


def test_sorting_by_date_both_ways_with_undated_last(make_document):
    make_document(title="Middle cable", date_entered="1965-05-30")
    make_document(title="Early cable", date_entered="1950")
    make_document(title="Undated cable", date_entered="undated")
    make_document(title="Late cable", date_entered="1971-02")

    assert found("cable", sort="date") == [
        "Early cable",
        "Middle cable",
        "Late cable",
        "Undated cable",
    ]
    assert found("cable", sort="-date") == [
        "Late cable",
        "Middle cable",
        "Early cable",
        "Undated cable",
    ]


def test_a_small_filtered_result_set_sorts_by_date_as_the_index_does(make_document):
    """Filtered results read whole (a tally) are put in date order in Python: the same
    order, ties and undated documents included, as the database gives unfiltered ones."""
    topic = TopicFactory()
    for title, date in [
        ("Tie cable", "1965-05-30"),
        ("Early cable", "1950"),
        ("Undated cable", "undated"),
        ("Late cable", "1971-02"),
        ("Tie cable again", "1965-05-30"),
        ("Undated cable again", "undated"),
    ]:
        make_document(title=title, date_entered=date).topics.add(topic)

    for sort in ("date", "-date"):
        filtered = SearchPlan(search_for("cable", topic=topic.slug, sort=sort))
        assert filtered.how == READ_WHOLE
        unfiltered = found("cable", sort=sort)
        assert found("cable", topic=topic.slug, sort=sort) == unfiltered
        assert unfiltered[-2:] == (
            ["Undated cable", "Undated cable again"]
            if sort == "date"
            else ["Undated cable again", "Undated cable"]
        )


def test_results_read_whole_rank_as_the_index_does(make_document, settings):
    """A result set read whole (a tally) is put in relevance order in Python: the same
    order as the database's, ties (equal ranks) included."""
    for n in range(8):
        make_document(
            title=f"Cable {n}" + (" on the harvest" if n % 3 == 0 else ""),
            summary="The harvest." if n % 2 else "A note.",
            transcript="<p>" + "harvest " * (n % 4) + "and more.</p>",
        )
    make_document(title="Unrelated", transcript="<p>Nothing.</p>")

    search = search_for("harvest")
    # SQLite reads any small result set whole; PostgreSQL only a filtered one.
    assert (SearchPlan(search).how == READ_WHOLE) == (connection.vendor == "sqlite")
    read_whole = found("harvest")
    settings.DOSSIER_SEARCH = {
        **settings.DOSSIER_SEARCH,
        "READ_WHOLE_LIMIT": 1,
    }  # too many to read whole: ranked in SQL
    assert SearchPlan(search).how != READ_WHOLE
    assert found("harvest") == read_whole
    assert len(read_whole) == 7  # "Cable 4" has no harvest


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_pages_by_date_of_a_large_result_set_match_the_sorted_order(make_document, settings, sort):
    """Pages of a result set too large to read whole (SQLite reads them off the date
    index, checking each document) are the slices of the full date order."""
    for n, date in enumerate(["1965-05-30", "1950", "undated", "1971-02", "1965-05-30", "1949"]):
        make_document(title=f"Cable {n}", date_entered=date)
    make_document(title="Unrelated", date_entered="1966")
    in_order = found("cable", sort=sort)  # read whole: sorted in Python

    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "READ_WHOLE_LIMIT": 1}
    results = SearchPlan(search_for("cable", sort=sort))
    assert results.how != READ_WHOLE
    for stop in range(1, 7):
        assert [r.document.title for r in results[0:stop]] == in_order[:stop]
    assert [r.document.title for r in results[2:4]] == in_order[2:4]
    if connection.vendor == "sqlite":  # the dated ones come off the date index
        backend = get_backend()
        windows = backend._windows(results.search, 3, total=6, estimate=None)
        ids = backend._page_in_windows(results.search, None, sort, windows, 3)
        assert [Document.objects.get(pk=i).title for i in ids] == in_order[:3]


def test_transcripts_in_other_scripts_are_found(make_document, chinese, russian):
    make_document(title="Chinese", transcript="<p>致外交部：</p>", transcript_language=chinese)
    make_document(
        title="Russian",
        transcript="<p>Министерство иностранных дел</p>",
        transcript_language=russian,
    )

    assert found("外交部") == ["Chinese"]
    assert found("部外") == []
    assert found("Министерство") == ["Russian"]


def test_a_chinese_word_matches_only_its_characters_in_order(make_document, chinese):
    make_document(title="Word", transcript="<p>致外交部：</p>", transcript_language=chinese)
    make_document(title="Apart", transcript="<p>外交。交部</p>", transcript_language=chinese)
    make_document(title="Shorter", transcript="<p>外交关系</p>", transcript_language=chinese)
    make_document(title="外交部长 in the title")

    assert sorted(found("外交部")) == ["Word", "外交部长 in the title"]
    assert sorted(found("外交")) == ["Apart", "Shorter", "Word", "外交部长 in the title"]
    assert sorted(found("部")) == ["Apart", "Word", "外交部长 in the title"]
    assert found('"外交部" -长') == ["Word"]


def test_a_chinese_word_is_highlighted_in_the_snippet(make_document, chinese):
    document = make_document(
        title="Cable", transcript="<p>致外交部：来电收悉。</p>", transcript_language=chinese
    )

    [result] = SearchPlan(search_for("外交部"))[0:20]
    assert result.document == document
    assert "<mark>外交部</mark>" in result.snippet_html


@pytest.mark.parametrize(
    "text",
    [
        "他们的做法。苏联代表团于1956年到达北京，会见了毛泽东。",
        "苏联 代表团 (Soviet delegation) 到达北京。",  # the text's own spaces
    ],
)
def test_a_chinese_snippet_has_no_space_that_is_not_in_the_text(make_document, chinese, text):
    make_document(title="电报 第3号", transcript=f"<p>{text}</p>", transcript_language=chinese)

    [result] = SearchPlan(search_for("苏联"))[0:20]
    shown = re.sub("<[^>]+>", "", str(result.snippet_html)).strip().strip("…").strip()
    assert "<mark>苏联</mark>" in result.snippet_html
    assert html.unescape(shown) in text
    assert str(result.title_html) == "电报 第3号"


def test_a_chinese_word_deep_in_a_long_transcript_is_highlighted(make_document, chinese):
    preamble = "来电收悉，" * 2000  # 10,000 characters before the word
    make_document(
        title="Cable",
        transcript=f"<p>{preamble}致外交部：同意。</p>",
        transcript_language=chinese,
    )

    [result] = SearchPlan(search_for("外交部"))[0:20]
    assert "<mark>外交部</mark>" in result.snippet_html
    assert len(result.snippet_html) < 1000


def test_creators_places_and_topics_are_searchable_by_name(make_document):
    document = make_document(title="A cable")
    document.creators.add(AgentFactory(name="Zhou Enlai"))
    document.topics.add(TopicFactory(name="Korean War"))

    assert found("Enlai") == ["A cable"]
    assert found('"korean war"') == ["A cable"]


def test_unpublished_documents_are_never_matched(make_document):
    make_document(title="Published cable")
    DocumentFactory(title="Draft cable")
    make_document(title="Withdrawn cable", status=Document.Status.WITHDRAWN)

    assert found("cable") == ["Published cable"]


def test_only_the_approved_text_of_a_translation_is_matched(make_document, english):
    document = make_document(title="Cable")
    translation = TranslationFactory(document=document, language=english, body="<p>Draft zebra</p>")
    assert found("zebra") == []

    approve(translation)
    assert found("zebra") == ["Cable"]

    # A new draft revision: readers (and search) keep the approved text.
    translation.body = "<p>Revised giraffe</p>"
    translation.state = translation.State.DRAFT
    translation.save()
    assert found("giraffe") == []
    assert found("zebra") == ["Cable"]


def test_syntax_of_databases_is_only_text(make_document):
    make_document(title="Report on NEAR east policy")

    for query in ["NEAR(east policy)", "title:report", "report*", '") OR 1=1 --', "east AND"]:
        assert isinstance(found(query), list)
    assert found("NEAR east") == ["Report on NEAR east policy"]


def test_unbalanced_quote_runs_to_the_end(make_document):
    make_document(title="The foreign ministry replied")
    make_document(title="The ministry of foreign trade")

    assert found('replied "foreign ministry') == ["The foreign ministry replied"]


def test_search_within_a_collection(make_document):
    collection = CollectionFactory(title="Sino-Soviet Alliance")
    inside = make_document(title="Cable inside")
    make_document(title="Cable outside")
    inside.collections.add(collection)

    assert found("cable", collection=collection.slug) == ["Cable inside"]


def test_very_large_result_sets_rank_title_and_summary_matches_first(make_document, settings):
    """Above the rank limit, head matches are ranked and the rest follow newest first."""
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "RANK_LIMIT": 2}
    for n in range(3):
        make_document(title=f"Body {n}", transcript="<p>Khrushchev spoke.</p>")
    make_document(title="Summary", summary="Khrushchev's visit.")
    make_document(title="Title about Khrushchev", summary="A note.")
    expected = ["Title about Khrushchev", "Summary", "Body 2", "Body 1", "Body 0"]

    assert found("Khrushchev") == expected
    search, backend = search_for("Khrushchev"), get_backend()
    pages = [backend.page(search, offset, 2, total=5) for offset in (0, 2, 4)]
    titles = dict(Document.objects.values_list("pk", "title"))
    assert [titles[pk] for page in pages for pk in page] == expected


def test_a_head_tier_too_large_to_rank_is_listed_newest_first(make_document, settings):
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "RANK_LIMIT": 1}
    make_document(title="Khrushchev", transcript="<p>Khrushchev Khrushchev</p>")
    make_document(title="Khrushchev and Mao")
    make_document(title="Body", transcript="<p>Khrushchev</p>")

    assert found("Khrushchev") == ["Khrushchev and Mao", "Khrushchev", "Body"]
