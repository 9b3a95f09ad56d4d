"""A small archive for the API tests: one fully described published document, one related
to it, a draft, a withdrawn document, and an inactive collection."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from archive.models import Document, Place, Translation
from tests.factories import (
    AgentFactory,
    ClassificationFactory,
    CollectionFactory,
    DocumentFactory,
    DocumentTypeFactory,
    FunderFactory,
    LanguageFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    ScanFactory,
    TopicFactory,
    TranscriptFactory,
    TranslationFactory,
    TranslatorFactory,
    pdf_upload,
)

WITHDRAWN_AT = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)


def approve(translation: Translation) -> Translation:
    translation.approved_body = translation.body
    translation.state = Translation.State.APPROVED
    translation.approved_at = WITHDRAWN_AT
    translation.save()
    translation.keep_approved_credit()  # as a real approval does
    return translation


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def archive(db):
    """Names used only by the draft or the withdrawn document must stay private."""
    chinese = LanguageFactory(code="zh", name="Chinese")
    english = LanguageFactory(code="en", name="English")
    china = PlaceFactory(name="China", slug="china")
    beijing = Place.objects.create(name="Beijing", slug="beijing", parent=china)
    topic = TopicFactory(name="Vietnam War", slug="vietnam-war")
    mao = AgentFactory(name="Mao Zedong", slug="mao-zedong")
    zhou = AgentFactory(name="Zhou Enlai", slug="zhou-enlai")
    funder = FunderFactory(name="Henry Luce Foundation", slug="luce")
    translator = TranslatorFactory(name="David Cowhig", slug="david-cowhig")
    collection = CollectionFactory(title="Sino-Soviet Relations", slug="sino-soviet")
    hidden_collection = CollectionFactory(title="Hidden Papers", slug="hidden", active=False)

    document = PublishedDocumentFactory(
        title="Telegram, Mao Zedong to Zhou Enlai",
        date_entered="1950-01-07",
        summary="Mao on the treaty negotiations.",
        document_type=DocumentTypeFactory(name="Telegram"),
        classification=ClassificationFactory(name="Top Secret"),
    )
    document.original_languages.add(chinese)
    document.places.add(beijing)
    document.topics.add(topic)
    document.creators.add(mao)
    document.recipients.add(zhou)
    document.funders.add(funder)
    document.collections.add(collection, hidden_collection)
    provenance = ProvenanceFactory(document=document)
    TranscriptFactory(document=document, language=chinese, body="<p>恩来同志</p>")
    translation = TranslationFactory(
        document=document, language=english, body="<p>Comrade Enlai</p>"
    )
    translation.translators.add(translator)
    approve(translation)
    ScanFactory(document=document, position=1)
    ScanFactory(document=document, position=2, file=pdf_upload())

    related = PublishedDocumentFactory(title="Letter about the treaty", date_entered="1950-02")
    document.related_documents.add(related)

    secret_place = PlaceFactory(name="Secret Island", slug="secret-island")
    secret_topic = TopicFactory(name="Secret Topic", slug="secret-topic")
    secret_agent = AgentFactory(name="Secret Agent", slug="secret-agent")
    draft = DocumentFactory(title="Draft cable never published", date_entered="1951")
    draft.places.add(secret_place)
    draft.topics.add(secret_topic)
    draft.creators.add(secret_agent)
    draft.collections.add(collection)
    ScanFactory(document=draft, position=1)
    draft_translation = approve(
        TranslationFactory(document=draft, language=english, body="<p>Draft text</p>")
    )
    withdrawn = PublishedDocumentFactory(title="Withdrawn memorandum", date_entered="1952-03-04")
    withdrawn.status = Document.Status.WITHDRAWN
    withdrawn.withdrawn_at = WITHDRAWN_AT
    withdrawn.withdrawal_reason = "Rights could not be cleared."
    withdrawn.save()
    withdrawn.topics.add(secret_topic)
    withdrawn.collections.add(collection)
    withdrawn_transcript = TranscriptFactory(
        document=withdrawn, language=chinese, body="<p>撤回</p>"
    )
    document.related_documents.add(draft, withdrawn)
    return SimpleNamespace(
        document=document,
        related=related,
        draft=draft,
        withdrawn=withdrawn,
        collection=collection,
        hidden_collection=hidden_collection,
        china=china,
        beijing=beijing,
        topic=topic,
        mao=mao,
        zhou=zhou,
        funder=funder,
        translator=translator,
        repository=provenance.repository,
        chinese=chinese,
        english=english,
        translation=translation,
        secret_place=secret_place,
        secret_topic=secret_topic,
        secret_agent=secret_agent,
        draft_translation=draft_translation,
        withdrawn_transcript=withdrawn_transcript,
        draft_scan=draft.scans.get(),
    )
