"""Whole pages cached for anonymous readers (archive/pagecache.py): served without a
query, and never stale after an editor's change: the next anonymous request shows it."""

import re

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from curation import services
from tests import factories
from tests.redis_server import redis_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["local memory", "redis"])
def page_cache(request, settings):
    """Each test on the embedded default and on a real Redis (production's REDIS_URL)."""
    if request.param == "redis":
        location = request.getfixturevalue("redis_url")
        backend = "django.core.cache.backends.redis.RedisCache"
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
    settings.DOSSIER_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(ready_document, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_publish(document=ready_document, editor=editor)
    ready_document.refresh_from_db()
    return ready_document


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def test_a_second_anonymous_request_costs_no_query(client, published, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.text == first.text
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age" in second["Cache-Control"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_conditional_requests_get_304(client, published):
    response = client.get("/")
    assert "Last-Modified" in response
    again = client.get("/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    changed = client.get("/", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_staff_are_never_served_the_cached_page(client, published, editor):
    client.get("/")
    client.force_login(editor)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == editor


def test_publishing_shows_at_once(
    client, ready_document, editor, django_capture_on_commit_callbacks
):
    assert ready_document.title not in page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_publish(document=ready_document, editor=editor)
    assert ready_document.title in page(client, "/")


def test_withdrawing_shows_at_once(client, published, editor, django_capture_on_commit_callbacks):
    assert published.title in page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_withdraw(document=published, editor=editor, reason="Duplicate record")
    assert published.title not in page(client, "/")
    assert "Duplicate record" in client.get(published.get_absolute_url(), follow=True).text


def test_editing_a_published_document_shows_at_once(
    client, published, django_capture_on_commit_callbacks
):
    url = published.get_absolute_url()
    assert "A corrected summary" not in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        published.summary = "A corrected summary"
        published.save()
    assert "A corrected summary" in page(client, url)


def test_renaming_an_authority_shows_at_once(client, published, django_capture_on_commit_callbacks):
    topic = factories.TopicFactory(name="Border talks")
    with django_capture_on_commit_callbacks(execute=True):
        published.topics.add(topic)
    url = published.get_absolute_url()
    assert "Border talks" in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Frontier negotiations"
        topic.save()
    text = page(client, url)
    assert "Frontier negotiations" in text and "Border talks" not in text


def test_approving_a_translation_shows_at_once(
    client, published, editor, second_editor, django_capture_on_commit_callbacks
):
    translation = factories.TranslationFactory(
        document=published, body="<p>The newly approved rendering.</p>"
    )
    url = published.get_absolute_url()
    assert "newly approved rendering" not in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_submit(translation=translation, user=second_editor)
        services.translation_approve(translation=translation, editor=editor)
    assert "newly approved rendering" in page(client, url)


def test_bulk_writes_make_pages_stale_too(client, published, django_capture_on_commit_callbacks):
    url = published.get_absolute_url()
    page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        type(published).objects.filter(pk=published.pk).update(title="Renamed in bulk")
    assert "Renamed in bulk" in page(client, url)


def inline_script(request):
    """A public page with an inline script, allowed by the request's nonce."""
    template = engines["django"].from_string("<script {% csp_nonce_attr %}>go()</script>")
    return HttpResponse(template.render(request=request))


urlpatterns = [path("inline-script/", inline_script)]


@pytest.mark.urls(__name__)
def test_no_reader_is_served_the_nonce_of_another_response(client):
    pages = [client.get("/inline-script/") for _ in range(2)]
    nonces = [re.search(r"'nonce-([^']+)'", p["Content-Security-Policy"])[1] for p in pages]
    assert nonces[0] != nonces[1]
    for response, nonce in zip(pages, nonces, strict=True):
        assert f'<script nonce="{nonce}">' in response.text
