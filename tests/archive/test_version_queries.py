"""Pinned query counts of the version pages: the same however many versions a translation
has (the document page's count is pinned in test_public_queries.py)."""

import pytest
from django.utils import timezone

from archive.models import TranslationVersion
from archive.versions import record_approved_version
from tests.factories import (
    ProvenanceFactory,
    PublishedDocumentFactory,
    TranslationFactory,
    TranslatorFactory,
)

pytestmark = pytest.mark.django_db

VERSION_PAGE = 11  # the document's record (9, as its page) + the version + its translators
CHANGES_PAGE = 11  # the record + the version + the version before it
CITATION = 11


def translation_with_versions(count: int):
    document = PublishedDocumentFactory()
    ProvenanceFactory(document=document)
    translation = TranslationFactory(document=document)
    translation.translators.add(TranslatorFactory(), TranslatorFactory())
    for number in range(1, count + 1):
        translation.approved_body = f"<p>Text of version {number}, word {number}.</p>"
        translation.approved_at = timezone.now()
        translation.keep_approved_credit()
        translation.save()
        record_approved_version(translation)
    assert TranslationVersion.objects.filter(translation=translation).count() == count
    return translation


PAGES = [("", VERSION_PAGE), ("changes/", CHANGES_PAGE), ("citation.ris", CITATION)]


@pytest.mark.parametrize("count", [2, 40])
@pytest.mark.parametrize(("suffix", "queries"), PAGES)
def test_version_pages(client, django_assert_num_queries, count, suffix, queries):
    translation = translation_with_versions(count)
    url = f"/documents/{translation.document.record_id}/translations/en/v2/{suffix}"

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert b"version 2" in response.content


@pytest.mark.parametrize("count", [1, 40])
def test_document_page_lists_every_version_in_the_same_queries(
    client, django_assert_num_queries, count
):
    translation = translation_with_versions(count)

    with django_assert_num_queries(9):
        response = client.get(translation.document.get_absolute_url())

    assert response.text.count("/translations/en/v") >= count
