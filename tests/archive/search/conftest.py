import pytest

from archive.models import Translation
from tests.factories import (
    LanguageFactory,
    PublishedDocumentFactory,
    TranscriptFactory,
    TranslationFactory,
)


@pytest.fixture
def english(db):
    return LanguageFactory(code="en", name="English")


@pytest.fixture
def russian(db):
    return LanguageFactory(code="ru", name="Russian")


@pytest.fixture
def chinese(db):
    return LanguageFactory(code="zh", name="Chinese")


@pytest.fixture
def make_document(english):
    """A published document with an optional transcript and an approved translation."""

    def make(*, transcript=None, transcript_language=None, translation=None, **fields):
        document = PublishedDocumentFactory(**fields)
        if transcript is not None:
            TranscriptFactory(
                document=document, language=transcript_language or english, body=transcript
            )
        if translation is not None:
            approve(TranslationFactory(document=document, language=english, body=translation))
        return document

    return make


def approve(translation: Translation) -> Translation:
    """What the review workflow does on approval: copy the body, credit and translators to
    what readers see."""
    translation.approved_body = translation.body
    translation.state = Translation.State.APPROVED
    translation.keep_approved_credit()
    translation.save()
    return translation
