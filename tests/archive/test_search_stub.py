import pytest

from tests.factories import DocumentFactory, PublishedDocumentFactory

pytestmark = pytest.mark.django_db


def test_title_search_finds_published_documents_only(client):
    PublishedDocumentFactory(title="Telegram, Mao Zedong to Zhou Enlai")
    DocumentFactory(title="Telegram, draft not yet public")

    response = client.get("/search/", {"q": "telegram"})

    assert response.status_code == 200
    assert "Mao Zedong to Zhou Enlai" in response.text
    assert "draft not yet public" not in response.text
