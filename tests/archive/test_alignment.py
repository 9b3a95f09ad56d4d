"""Paragraph alignment: the notation editors write, and what it pairs (archive/alignment.py),
and paragraphs cut from a text with their page breaks (archive/reading.py)."""

import pytest
from django.core.exceptions import ValidationError

from archive.alignment import align, parse
from archive.reading import paragraphs


def pairs(notation: str, translation: int, transcript: int) -> dict[int, tuple[int, ...]]:
    return align(parse(notation), translation, transcript).to_transcript


def test_by_default_paragraph_n_renders_paragraph_n():
    assert pairs("", 3, 3) == {1: (1,), 2: (2,), 3: (3,)}


def test_a_translation_longer_than_its_original_leaves_the_rest_unpaired():
    assert pairs("", 3, 2) == {1: (1,), 2: (2,), 3: ()}
    assert align([], 2, 3).to_translation == {1: (1,), 2: (2,), 3: ()}


def test_a_merge_shifts_every_later_paragraph():
    assert pairs("2=2-3", 4, 5) == {1: (1,), 2: (2, 3), 3: (4,), 4: (5,)}
    assert align(parse("2=2-3"), 4, 5).to_translation[3] == (2,)


def test_a_split_pairs_both_halves_with_one_original_paragraph():
    assert pairs("2-3=2", 4, 3) == {1: (1,), 2: (2,), 3: (2,), 4: (3,)}


def test_notes_and_untranslated_paragraphs_have_no_counterpart():
    assert pairs("2=\n=4", 4, 4) == {1: (1,), 2: (), 3: (2,), 4: (3,)}
    assert align(parse("2=; =4"), 4, 4).to_translation == {1: (1,), 2: (3,), 3: (4,), 4: ()}


def test_corrections_beyond_the_text_are_cut_short():
    assert pairs("2=2-9", 2, 3) == {1: (1,), 2: (2, 3)}


@pytest.mark.parametrize("notation", ["2", "a=b", "3-1=2", "0=1", "=", "3=3\n2=2", "2-4=2\n3=3"])
def test_notation_that_does_not_parse_is_refused_with_its_line(notation):
    with pytest.raises(ValidationError):
        parse(notation)


def test_paragraphs_are_numbered_blocks_and_page_breaks_are_not_counted():
    text = (
        "<p>[Stamp]</p>\n<p>First</p>\n<p>[page 2]</p>\n<ul><li>a</li><li>b</li></ul>\n"
        "loose <em>text</em>\n<h3>Heading</h3><hr><p>Last &amp; least</p>"
    )

    result = paragraphs(text)

    assert [(p.number, p.page, p.page_break) for p in result] == [
        (1, 1, None),
        (2, 1, None),
        (None, 2, 2),
        (3, 2, None),
        (4, 2, None),
        (5, 2, None),
        (None, 2, None),
        (6, 2, None),
    ]
    assert result[3].html == "<ul><li>a</li><li>b</li></ul>"
    assert result[4].html == "loose <em>text</em>"
    assert result[-1].html == "<p>Last &amp; least</p>"


def test_editing_a_paragraph_keeps_the_numbers_of_the_others():
    before = paragraphs("<p>One</p><p>Two</p><p>Three</p>")
    after = paragraphs("<p>One</p><p>Two, <strong>revised</strong>\nover two lines</p><p>Three</p>")

    assert [p.number for p in after] == [p.number for p in before]
    assert after[2].html == before[2].html == "<p>Three</p>"
