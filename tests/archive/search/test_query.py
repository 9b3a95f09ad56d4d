"""The reader's query language (archive.search.query): pure parsing, no database."""

import pytest

from archive.search.query import MAX_QUERY_LENGTH, MAX_TERMS, QueryError, Term, parse_query


def texts(groups):
    return [[term.text for term in group] for group in groups]


def test_every_word_must_match():
    parsed = parse_query("treaty border")
    assert texts(parsed.groups) == [["treaty"], ["border"]]
    assert parsed.excluded == ()


def test_a_quoted_phrase_is_one_term():
    parsed = parse_query('"border talks" 1962')
    assert texts(parsed.groups) == [["border talks"], ["1962"]]
    assert parsed.groups[0][0].is_phrase and not parsed.groups[1][0].is_phrase


def test_or_joins_the_terms_either_side():
    parsed = parse_query('treaty OR "peace accord" moscow')
    assert texts(parsed.groups) == [["treaty", "peace accord"], ["moscow"]]


def test_lowercase_or_is_a_word():
    assert texts(parse_query("war or peace").groups) == [["war"], ["or"], ["peace"]]


def test_a_leading_or_joins_nothing():
    assert texts(parse_query("OR treaty").groups) == [["treaty"]]


def test_minus_excludes_a_word_or_a_phrase():
    parsed = parse_query('embassy -cable -"trade mission"')
    assert texts(parsed.groups) == [["embassy"]]
    assert parsed.excluded == (Term("cable"), Term("trade mission"))


def test_a_lone_minus_is_not_an_exclusion():
    assert parse_query("east - west").excluded == ()


def test_only_exclusions_still_make_a_query():
    parsed = parse_query("-cable")
    assert parsed.groups == () and parsed.excluded == (Term("cable"),)


def test_an_unclosed_quote_runs_to_the_end():
    assert texts(parse_query('"five year plan').groups) == [["five year plan"]]


@pytest.mark.parametrize(
    "typed",
    ["treaty*", "(treaty)", "title:treaty", "treaty; DROP TABLE x", "NEAR(treaty)"],
)
def test_syntax_of_other_engines_is_plain_text(typed):
    terms = [term.text for term in parse_query(typed).terms]
    assert all(char not in text for text in terms for char in "*():;")
    assert "treaty" in " ".join(terms)


def test_apostrophes_and_hyphens_stay_inside_words():
    assert texts(parse_query("Khrushchev's co-operation").groups) == [
        ["Khrushchev's"],
        ["co-operation"],
    ]


def test_chinese_is_split_into_characters_as_the_index_is():
    assert texts(parse_query("外交部").groups) == [["外 交 部"]]


@pytest.mark.parametrize("typed", ["", "   ", '""', "- * ( )", "OR"])
def test_nothing_to_search_for(typed):
    assert parse_query(typed) is None


def test_a_query_too_long_is_refused_with_the_limit():
    with pytest.raises(QueryError, match=str(MAX_QUERY_LENGTH)):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))


def test_too_many_terms_are_refused_with_the_count():
    with pytest.raises(QueryError, match=f"{MAX_TERMS + 1} words"):
        parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
    assert len(parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS))).terms) == MAX_TERMS
