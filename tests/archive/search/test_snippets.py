"""Highlighted excerpts (archive.search.snippets): the database's markers become <mark>,
and nothing else from the database reaches the page as HTML."""

from archive.search.snippets import has_highlight, highlight
from archive.search.text import MARK_END as E
from archive.search.text import MARK_START as S


def test_markers_become_mark_elements():
    assert highlight(f"the {S}treaty{E} was signed") == "the <mark>treaty</mark> was signed"


def test_text_from_the_database_is_escaped():
    html = highlight(f"<script>alert(1)</script> {S}a & b{E}")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>a &amp; b</mark>"


def test_an_unclosed_marker_is_closed_and_a_stray_end_dropped():
    assert highlight(f"cut {S}trea") == "cut <mark>trea</mark>"
    assert highlight(f"aty{E} signed") == "aty signed"


def test_the_spaces_the_index_put_between_chinese_characters_go():
    assert highlight(f"{S}外{E} {S}交{E} 部 的") == "<mark>外交</mark>部的"


def test_the_spaces_the_index_put_beside_chinese_punctuation_and_digits_go():
    assert highlight(f" 做  法 。 {S}苏{E}  {S}联{E} 1956 年 ") == "做法。<mark>苏联</mark>1956年"


def test_the_texts_own_spaces_beside_chinese_stay():
    # One space was added beside 外, the other is the text's.
    assert highlight(f"{S}外{E}  ministry") == "<mark>外</mark> ministry"


def test_no_text_is_empty_html():
    assert highlight(None) == "" and highlight("") == ""


def test_has_highlight():
    assert has_highlight(f"a {S}b{E}")
    assert not has_highlight("plain") and not has_highlight(None)
