"""Words match their inflected forms in the languages the archive holds (issue 17,
item 3): PostgreSQL stems with each text's language, SQLite with Snowball stems of
the query's words (archive.search.stemming)."""

import pytest

from archive.search.engine import SearchPlan
from tests.factories import LanguageFactory

from .helpers import found, search_for

pytestmark = pytest.mark.django_db

# Per language: a text, and inflected forms of words in it that must find it.
INFLECTED = {
    ("ru", "Russian"): (
        "Делегация Вьетнама обсуждала переговоры о границе с китайскими товарищами.",
        ["Вьетнам", "Вьетнаме", "делегации", "переговорах", "границы", "товарищи"],
    ),
    ("de", "German"): (
        "Die Delegationen führten Verhandlungen über die Grenzen mit den Botschaftern.",
        ["Delegation", "Verhandlung", "Grenze", "Botschafter", "führte"],
    ),
    ("fr", "French"): (
        "Les ambassadeurs soviétiques ont discuté des négociations frontalières.",
        ["ambassadeur", "soviétique", "discuter", "négociation", "frontalière"],
    ),
    ("es", "Spanish"): (
        "Los embajadores cubanos discutieron las negociaciones económicas.",
        ["embajador", "cubano", "discutir", "negociación", "económica"],
    ),
}


@pytest.mark.parametrize("language", INFLECTED, ids=[code for code, _ in INFLECTED])
def test_each_inflected_form_finds_the_text(make_document, language):
    code, name = language
    text, forms = INFLECTED[language]
    make_document(
        title="Cable",
        transcript=f"<p>{text}</p>",
        transcript_language=LanguageFactory(code=code, name=name),
    )
    make_document(title="Other", transcript="<p>Nothing of the sort.</p>")

    assert {form: found(form) for form in forms} == {form: ["Cable"] for form in forms}


def test_a_word_as_written_still_matches(make_document, russian):
    make_document(
        title="Cable", transcript="<p>Делегация Вьетнама</p>", transcript_language=russian
    )

    assert found("Вьетнама") == ["Cable"]
    assert found('"Делегация Вьетнама"') == ["Cable"]


def test_vietnamese_matches_with_and_without_diacritics(make_document):
    vietnamese = LanguageFactory(code="vi", name="Vietnamese")
    make_document(title="Cable", transcript="<p>Bộ Ngoại giao</p>", transcript_language=vietnamese)
    make_document(
        title="Thỏa thuận Hà Nội",
        transcript="<p>Đoàn đại biểu đến Hà Nội để ký thỏa thuận.</p>",
        transcript_language=vietnamese,
    )

    assert found("Ngoại giao") == ["Cable"]
    assert found("Ngoai giao") == ["Cable"]
    assert found("Ha Noi") == ["Thỏa thuận Hà Nội"]
    assert found('"thoa thuan"') == ["Thỏa thuận Hà Nội"]
    [result] = SearchPlan(search_for("ha noi"))[0:20]
    assert "<mark>Hà</mark> <mark>Nội</mark>" in result.snippet_html
    assert "<mark>Hà</mark> <mark>Nội</mark>" in result.title_html


def test_korean_is_searchable(make_document):
    korean = LanguageFactory(code="ko", name="Korean")
    make_document(
        title="Cable",
        transcript="<p>조선민주주의인민공화국 외무성 성명</p>",
        transcript_language=korean,
    )
    make_document(title="Other", transcript="<p>Nothing of the sort.</p>")

    assert found("외무성") == ["Cable"]
