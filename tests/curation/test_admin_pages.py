"""Every admin page an archivist opens, with its query count pinned.

Counts are measured with several rows of each kind so a page that queries
per row (an N+1) fails here rather than on a large archive.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from archive import models
from tests import factories
from tests.curation.admin_forms import changelist_form_data

pytestmark = pytest.mark.django_db

ROWS = 5


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def archive_rows():
    """A few fully linked documents, so every changelist has rows and relations."""
    english = factories.LanguageFactory(code="en", name="English")
    chinese = factories.LanguageFactory(code="zh", name="Chinese")
    collection = factories.CollectionFactory()
    country = factories.PlaceFactory(name="China")
    for n in range(ROWS):
        document = factories.PublishedDocumentFactory(
            document_type=factories.DocumentTypeFactory(),
            classification=factories.ClassificationFactory(),
        )
        document.collections.add(collection)
        document.places.add(factories.PlaceFactory(parent=country))
        document.topics.add(factories.TopicFactory())
        document.funders.add(factories.FunderFactory())
        document.creators.add(factories.AgentFactory())
        document.original_languages.add(chinese)
        factories.ProvenanceFactory(
            document=document, declassified_by=factories.DeclassifyingAuthorityFactory()
        )
        factories.ScanFactory(document=document, position=1)
        factories.TranscriptFactory(document=document, language=chinese)
        translation = factories.TranslationFactory(document=document, language=english)
        translation.translators.add(factories.TranslatorFactory())
        factories.CollectionFactory(parent=collection, title=f"Sub {n}")
    return document


# Queries per page, measured with ROWS rows of everything; they must not grow with ROWS.
# Change pages of documents also load each inline row's autocomplete choices.
QUERIES = {
    # Provenance: its repository and declassifying authority filters each list their names.
    # Documents: no date hierarchy and no whole-table count (issue 19), 13 before; on
    # PostgreSQL one more, the planner's row estimate (exact below 50,000 rows). The lists
    # that grow with the archive count no "N total" beside their rows' count (one fewer).
    "changelist": {
        "document": 10 + (connection.vendor == "postgresql"),
        "provenance": 6 + (connection.vendor == "postgresql"),
        "scan": 4 + (connection.vendor == "postgresql"),
        "transcript": 5 + (connection.vendor == "postgresql"),
        "translation": 5 + (connection.vendor == "postgresql"),
    },
    "add": {},
    "change": {
        "collection": 6,
        "document": 18,
        "place": 5,
        "provenance": 8,  # each autocomplete (repository, authority) reads its chosen value
        "scan": 5,
        "transcript": 8,
        "translation": 11,  # with the alignment as saved: the original transcript
        "translator": 5,
    },
}
DEFAULT_QUERIES = {"changelist": 5, "add": 3, "change": 4}


def registered_models():
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label == "archive"),
        key=lambda m: m._meta.model_name,
    )


def admin_url(model, action, *args):
    return reverse(f"admin:archive_{model._meta.model_name}_{action}", args=args)


def expected_queries(model, action: str) -> int:
    return QUERIES[action].get(model._meta.model_name, DEFAULT_QUERIES[action])


@pytest.fixture(autouse=True)
def cold_content_type_cache():
    """The content-type cache is process-wide; start each page from cold."""
    ContentType.objects.clear_cache()


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.model_name)
def test_changelist_lists_every_row(
    model, superuser_client, archive_rows, django_assert_num_queries
):
    with django_assert_num_queries(expected_queries(model, "changelist")):
        response = superuser_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.model_name)
def test_add_page_opens(model, superuser_client, archive_rows, django_assert_num_queries):
    with django_assert_num_queries(expected_queries(model, "add")):
        response = superuser_client.get(admin_url(model, "add"))
    assert response.status_code == 200
    assert "adminform" in response.context


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.model_name)
def test_change_page_opens(model, superuser_client, archive_rows, django_assert_num_queries):
    obj = model.objects.order_by("pk").last()
    with django_assert_num_queries(expected_queries(model, "change")):
        response = superuser_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


def test_document_changelist_is_searchable_by_record_id_and_reference(
    superuser_client, archive_rows
):
    target = models.Document.objects.order_by("pk").first()
    target.record_id = 987654
    target.save()
    reference = target.provenance.archival_reference
    by_id = superuser_client.get(admin_url(models.Document, "changelist"), {"q": target.record_id})
    by_reference = superuser_client.get(admin_url(models.Document, "changelist"), {"q": reference})
    assert list(by_id.context["cl"].result_list) == [target]
    assert list(by_reference.context["cl"].result_list) == [target]


def linked_document(rows: int):
    """A document with `rows` scans, transcripts and translations (each with `rows`
    translators), and `rows` records in each of its many-to-many fields."""
    document = factories.PublishedDocumentFactory(
        document_type=factories.DocumentTypeFactory(),
        classification=factories.ClassificationFactory(),
    )
    factories.ProvenanceFactory(document=document, repository=factories.RepositoryFactory())
    for n in range(rows):
        language = factories.LanguageFactory()
        factories.ScanFactory(document=document, position=n + 1)
        factories.TranscriptFactory(document=document, language=language)
        translation = factories.TranslationFactory(document=document, language=language)
        translation.translators.add(*factories.TranslatorFactory.create_batch(rows))
        document.original_languages.add(language)
    for relation, make in [
        ("creators", factories.AgentFactory),
        ("recipients", factories.AgentFactory),
        ("places", factories.PlaceFactory),
        ("topics", factories.TopicFactory),
        ("collections", factories.CollectionFactory),
        ("funders", factories.FunderFactory),
        ("related_documents", factories.PublishedDocumentFactory),
    ]:
        getattr(document, relation).add(*make.create_batch(rows))
    return document


# The document change page, however many inline rows and related records it shows.
DOCUMENT_CHANGE_PAGE_QUERIES = 18


def test_document_change_page_queries_do_not_grow_with_its_rows(
    superuser_client, django_assert_num_queries
):
    one, five = linked_document(1), linked_document(5)

    for document in (one, five):
        ContentType.objects.clear_cache()
        with django_assert_num_queries(DOCUMENT_CHANGE_PAGE_QUERIES):
            response = superuser_client.get(admin_url(models.Document, "change", document.pk))
        assert response.status_code == 200

    # Each selected record still shows, by name, as a selected option.
    html = response.content.decode()
    for record in [
        five.document_type,
        five.classification,
        *five.creators.all(),
        *five.places.all(),
        *five.original_languages.all(),
        *models.Translator.objects.filter(translations__document=five),
        five.provenance.repository,
    ]:
        assert re.search(rf'<option value="{record.pk}" selected>{re.escape(str(record))}<', html)


def test_document_changelist_queries_do_not_grow_with_its_rows(
    superuser_client, django_assert_num_queries
):
    url = admin_url(models.Document, "changelist")
    for rows in (1, 5):
        for _ in range(rows):
            linked_document(rows)
        ContentType.objects.clear_cache()
        with django_assert_num_queries(QUERIES["changelist"]["document"]):
            response = superuser_client.get(url)
        assert response.context["cl"].result_count == models.Document.objects.count()
    assert models.Document.objects.count() > 5


def card_titles(html: str) -> list[str]:
    return re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", html)


def test_curator_orders_sub_collections_in_the_changelist_and_readers_see_that_order(
    superuser_client,
):
    parent = factories.CollectionFactory(title="Parent", slug="parent")
    alpha, beta, gamma = (
        factories.CollectionFactory(title=title, parent=parent)
        for title in ("Alpha", "Beta", "Gamma")
    )
    other = factories.CollectionFactory(title="Another top-level collection")
    wanted = {other: 1, parent: 2, gamma: 1, alpha: 2, beta: 3}

    changelist = superuser_client.get(admin_url(models.Collection, "changelist"))
    rows = list(changelist.context["cl"].result_list)
    data = changelist_form_data(
        changelist, **{f"form-{n}-position": wanted[row] for n, row in enumerate(rows)}
    )
    response = superuser_client.post(admin_url(models.Collection, "changelist"), data)
    assert response.status_code == 302

    detail = superuser_client.get(parent.get_absolute_url()).content.decode()
    section = detail.split('id="children-heading"', 1)[1].split("</section>", 1)[0]
    assert card_titles(section) == ["Gamma", "Alpha", "Beta"]
    listing = superuser_client.get(reverse("archive:collection_list")).content.decode()
    assert card_titles(listing) == [
        "Another top-level collection",
        "Parent",
        "Gamma",
        "Alpha",
        "Beta",
    ]
    # The desk lists each parent's sub-collections together, in their order.
    rows = (
        superuser_client.get(admin_url(models.Collection, "changelist")).context["cl"].result_list
    )
    assert [c.title for c in rows if c.parent_id] == ["Gamma", "Alpha", "Beta"]
