"""The activity page: each row names its kind of record and links to that record's history."""

import re

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from tests import factories

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<th scope="row">([^<]+): <a href="([^"]+)">([^<]*)</a></th>')


def activity_rows(client) -> list[tuple[str, str, str]]:
    response = client.get(reverse("curation:activity"))
    assert response.status_code == 200
    return ROW.findall(response.content.decode())


def test_every_row_names_its_kind_and_links_to_its_history(editor_client):
    records = [
        factories.DocumentFactory(title="The Mukden cable"),
        factories.TranslationFactory(),
        factories.CollectionFactory(title="Korean War collection"),
        factories.PlaceFactory(name="Pyongyang"),
        factories.TopicFactory(name="Armistice"),
        factories.TranslatorFactory(name="Gary Goldberg"),
        factories.FunderFactory(name="Carnegie"),
        factories.ProvenanceFactory(),
    ]
    rows = activity_rows(editor_client)
    for record in records:
        kind = capfirst(record._meta.verbose_name)
        history = reverse(f"admin:archive_{record._meta.model_name}_history", args=[record.pk])
        # A historical record reads "<record> as of <date>".
        assert any(
            row[:2] == (kind, history) and row[2].startswith(f"{record} as of ") for row in rows
        ), f"no row for the {kind} {record}"

    kinds = {kind for kind, _, _ in rows}
    assert {"Document", "Translation", "Collection", "Place", "Topic"} <= kinds
    for kind, link, label in rows:
        page = editor_client.get(link)
        assert page.status_code == 200, f"{kind} {label}: {link} answers {page.status_code}"
        assert label.split(" as of ")[0] in page.content.decode()


def test_a_deleted_record_still_links_to_its_history(editor_client):
    place = factories.PlaceFactory(name="Kaesong")
    place_id = place.pk
    place.delete()
    rows = activity_rows(editor_client)
    history = reverse("admin:archive_place_history", args=[place_id])
    created_and_deleted = [row for row in rows if row[1] == history]
    assert [kind for kind, _, _ in created_and_deleted] == ["Place", "Place"]
    assert all(label.startswith("Kaesong as of ") for _, _, label in created_and_deleted)
    assert editor_client.get(history).status_code == 200
