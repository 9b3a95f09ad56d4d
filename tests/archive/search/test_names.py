"""Names a reader knows a document by: its people, places, translators and repository,
under any of their names (issue 17, item 4)."""

import pytest

from tests.factories import (
    AgentFactory,
    PlaceFactory,
    ProvenanceFactory,
    RepositoryFactory,
    TranslationFactory,
    TranslatorFactory,
)

from .conftest import approve
from .helpers import found

pytestmark = pytest.mark.django_db


def test_a_translator_finds_the_documents_he_translated(make_document, english):
    translated = make_document(title="Cable from Hanoi")
    make_document(title="Cable from Moscow")
    translation = TranslationFactory(document=translated, language=english, body="<p>Text.</p>")
    translation.translators.set([TranslatorFactory(name="David Cowhig")])
    approve(translation)

    assert found("Cowhig") == ["Cable from Hanoi"]


def test_a_draft_translations_translator_is_not_yet_searchable(make_document, english):
    document = make_document(title="Cable from Hanoi")
    draft = TranslationFactory(document=document, language=english, body="<p>Text.</p>")
    draft.translators.set([TranslatorFactory(name="David Cowhig")])

    assert found("Cowhig") == []


def test_a_place_is_found_by_its_variant_names(make_document):
    beijing = PlaceFactory(name="Beijing", variant_names="Peking\nPeiping\n北京")
    make_document(title="Talks in the capital").places.add(beijing)
    make_document(title="Talks elsewhere").places.add(PlaceFactory(name="Hanoi"))

    assert found("Peking") == ["Talks in the capital"]
    assert found("北京") == ["Talks in the capital"]


def test_a_person_is_found_by_a_name_in_the_original_script(make_document):
    mao = AgentFactory(name="Mao Zedong", variant_names="Mao Tse-tung\n毛泽东")
    make_document(title="Conversation").creators.add(mao)
    make_document(title="Letter").recipients.add(mao)
    make_document(title="Unrelated")

    assert sorted(found("毛泽东")) == ["Conversation", "Letter"]
    assert sorted(found('"Mao Tse-tung"')) == ["Conversation", "Letter"]


def test_a_repository_and_archival_reference_find_the_document(make_document):
    document = make_document(title="Minutes")
    ProvenanceFactory(
        document=document,
        repository=RepositoryFactory(name="Archive of Foreign Policy", variant_names="AVPRF"),
        archival_reference="Fond 0100, opis 46",
    )
    make_document(title="Other minutes")

    assert found("AVPRF") == ["Minutes"]
    assert found('"Archive of Foreign Policy"') == ["Minutes"]
    assert found("opis") == ["Minutes"]


def test_editing_variant_names_reindexes_the_documents(make_document):
    beijing = PlaceFactory(name="Beijing")
    mao = AgentFactory(name="Mao Zedong")
    repository = RepositoryFactory(name="Central Archives")
    document = make_document(title="Talks")
    document.places.add(beijing)
    document.recipients.add(mao)
    ProvenanceFactory(document=document, repository=repository)
    assert found("Peking") == found("毛泽东") == found("Zhongyang") == []

    beijing.variant_names = "Peking"
    beijing.save()
    mao.variant_names = "毛泽东"
    mao.save()
    repository.variant_names = "Zhongyang Dang'anguan"
    repository.save()

    assert found("Peking") == found("毛泽东") == found("Zhongyang") == ["Talks"]


def test_renaming_a_translator_reindexes_the_translations(make_document, english):
    document = make_document(title="Cable")
    translator = TranslatorFactory(name="D. Smith")
    translation = TranslationFactory(document=document, language=english, body="<p>Text.</p>")
    translation.translators.set([translator])
    approve(translation)

    translator.name = "David Cowhig"
    translator.save()

    assert found("Cowhig") == ["Cable"]
    assert found("Smith") == []


def test_adding_a_recipient_reindexes_the_document(make_document):
    document = make_document(title="Letter")
    document.recipients.add(AgentFactory(name="Pham Van Dong"))

    assert found("Pham") == ["Letter"]
