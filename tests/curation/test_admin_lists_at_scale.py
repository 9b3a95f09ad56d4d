"""The document list and its autocompletes at a cost that does not grow with the archive
(issue 19): filtered and searched lists without DISTINCT, counts that stop, autocomplete
lists only for those who may see the records."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import models
from curation import admin as desk
from curation import paginators
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("admin:archive_document_changelist")


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def listed(response) -> list[str]:
    return [document.title for document in response.context["cl"].result_list]


def document_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "archive_document"' in q["sql"]]


def test_a_filter_through_a_relation_lists_each_document_once_without_distinct(
    superuser_client,
):
    europe, asia = factories.CollectionFactory(), factories.CollectionFactory()
    both = factories.DocumentFactory(title="In both")
    both.collections.add(europe, asia)
    factories.DocumentFactory(title="In none")
    asian = factories.DocumentFactory(title="In Asia")
    asian.collections.add(asia)
    english, chinese = factories.LanguageFactory(), factories.LanguageFactory()
    both.original_languages.add(english, chinese)

    with CaptureQueriesContext(connection) as ctx:
        response = superuser_client.get(LIST, {"collections__id__exact": asia.pk})
    assert sorted(listed(response)) == ["In Asia", "In both"]
    assert response.context["cl"].result_count == 2
    assert not any("DISTINCT" in sql for sql in document_queries(ctx))

    # Two filters through relations, each repeating a row, still list it once.
    response = superuser_client.get(
        LIST, {"collections__id__exact": europe.pk, "original_languages__id__exact": chinese.pk}
    )
    assert listed(response) == ["In both"]


def test_a_search_through_names_finds_each_document_once_and_every_word_must_match(
    superuser_client,
):
    both = factories.DocumentFactory(title="Telegram from the embassy")
    both.creators.add(
        factories.AgentFactory(name="Zhou Enlai"), factories.AgentFactory(name="Zhou Xiaoping")
    )
    factories.DocumentFactory(title="Telegram about rice").recipients.add(
        factories.AgentFactory(name="Zhou Peiyuan")
    )
    factories.DocumentFactory(title="Minutes of a meeting")

    with CaptureQueriesContext(connection) as ctx:
        by_name = superuser_client.get(LIST, {"q": "zhou"})
    assert sorted(listed(by_name)) == ["Telegram about rice", "Telegram from the embassy"]
    assert not any("DISTINCT" in sql for sql in document_queries(ctx))
    # One word in the title, the other in a creator's name.
    assert listed(superuser_client.get(LIST, {"q": "embassy enlai"})) == [
        "Telegram from the embassy"
    ]
    assert listed(superuser_client.get(LIST, {"q": '"about rice" peiyuan'})) == [
        "Telegram about rice"
    ]
    assert listed(superuser_client.get(LIST, {"q": "embassy peiyuan"})) == []


def test_a_filtered_list_stops_counting_and_says_more_than(superuser_client, monkeypatch):
    monkeypatch.setattr(paginators, "COUNT_LIMIT", 3)
    monkeypatch.setattr(desk.DocumentAdmin, "list_per_page", 2)
    for n in range(12):
        factories.DocumentFactory(title=f"Draft {n:02}")

    with CaptureQueriesContext(connection) as ctx:
        response = superuser_client.get(LIST, {"status__exact": "draft"})
    paginator = response.context["cl"].paginator
    # Page 1 of 2 rows: counted up to 3 rows past it, then stopped.
    assert (paginator.count_limit, paginator.count, paginator.count_is) == (5, 6, "more than")
    assert any(re.search(r"LIMIT 6\b", sql) for sql in document_queries(ctx))
    html = response.content.decode()
    assert "more than 5 documents" in html
    assert "Select all documents of this list" in html
    assert listed(response) == ["Draft 11", "Draft 10"]  # newest change first

    # A later page is counted further, so it can be reached and shows its rows.
    page = superuser_client.get(LIST, {"status__exact": "draft", "p": 4})
    assert page.context["cl"].paginator.count_limit == 3 + 4 * 2
    assert listed(page) == ["Draft 05", "Draft 04"]
    # A page past the last is refused as Django refuses it, never a server error.
    assert superuser_client.get(LIST, {"status__exact": "draft", "p": 99}).status_code == 302
    assert superuser_client.get(LIST, {"p": "9" * 40}).status_code == 302

    # Fewer rows than the limit are counted exactly, as before.
    exact = superuser_client.get(LIST, {"q": '"Draft 1"'})
    assert exact.context["cl"].paginator.count_is == "exact"
    assert exact.context["cl"].result_count == 2
    assert "2 documents" in exact.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate")
def test_the_whole_list_on_postgresql_shows_the_planners_estimate(superuser_client, monkeypatch):
    monkeypatch.setattr(paginators, "EXACT_BELOW", 1)
    factories.DocumentFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_document")
    response = superuser_client.get(LIST)
    assert response.context["cl"].paginator.count_is == "estimate"
    assert re.search(r"about \d+ documents", response.content.decode())


def test_a_change_list_page_keeps_its_query_count_with_a_filter_and_a_search(
    superuser_client, django_assert_num_queries
):
    collection = factories.CollectionFactory()
    for rows in (1, 5):
        for _ in range(rows):
            document = factories.DocumentFactory(title="Embassy cable")
            document.collections.add(collection)
            document.creators.add(factories.AgentFactory())
        with django_assert_num_queries(10):
            response = superuser_client.get(
                LIST, {"q": "embassy", "collections__id__exact": collection.pk}
            )
        assert len(listed(response)) == models.Document.objects.count()


def autocomplete(client, field: str, term: str):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "archive", "model_name": "document", "field_name": field, "term": term},
    )


def test_the_change_forms_autocompletes_list_only_for_those_who_may_see_the_records(client):
    factories.PlaceFactory(name="Beijing", variant_names="Peking")
    factories.PlaceFactory(name="Berlin")
    clerk = factories.UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_document"))
    client.force_login(clerk)

    assert autocomplete(client, "places", "pek").status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_place"))
    found = autocomplete(client, "places", "pek")
    assert found.status_code == 200
    assert [row["text"] for row in found.json()["results"]] == ["Beijing"]
