"""Variant names are edited in the admin, kept in history (and reverted), found by the
admin's autocomplete, and imported and exported as a `|`-separated column."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Agent, Place
from curation.resources import AgentResource
from tests.curation.admin_forms import admin_form_data
from tests.curation.test_history import change_url, revert_url
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_an_archivist_adds_variant_names_and_an_editor_reverts_them(
    archivist_client, editor_client
):
    place = PlaceFactory(name="Beijing")
    first = place.history.latest("history_date")
    opened = archivist_client.get(change_url(place))

    response = archivist_client.post(
        change_url(place), admin_form_data(opened, variant_names="Peking\r\n北京\r\n")
    )

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.variant_name_list == ["Peking", "北京"]
    assert place.history.latest("history_date").variant_names == place.variant_names

    opened = editor_client.get(revert_url(place, first))
    editor_client.post(revert_url(place, first), admin_form_data(opened))
    place.refresh_from_db()
    assert place.variant_names == ""


def test_the_place_autocomplete_finds_a_place_by_a_variant_name(archivist_client):
    PlaceFactory(name="Beijing", variant_names="Peking\n北京")
    PlaceFactory(name="Berlin")
    url = reverse("admin:autocomplete")
    query = {"app_label": "archive", "model_name": "document", "field_name": "places"}

    for typed in ("Peking", "北京"):
        response = archivist_client.get(url, {**query, "term": typed})
        assert [r["text"] for r in response.json()["results"]] == ["Beijing"]


def test_variant_names_import_from_a_bar_separated_column_and_export_the_same(
    archivist, tmp_path, capsys
):
    path = tmp_path / "agents.csv"
    path.write_text(
        "name,kind,variant_names\nMao Zedong,person,Mao Tse-tung | 毛泽东 |  | Mao Tse-tung\n",
        encoding="utf-8",
    )

    call_command("import_records", "agents", str(path), "--user", archivist.username)
    first_run = capsys.readouterr().out
    call_command("import_records", "agents", str(path), "--user", archivist.username)

    mao = Agent.objects.get(name="Mao Zedong")
    assert mao.variant_names == "Mao Tse-tung\n毛泽东"
    assert "1 created" in first_run
    assert " 0 created, 0 updated" in capsys.readouterr().out  # nothing changed
    exported = AgentResource().export()
    assert exported.dict[0]["variant_names"] == "Mao Tse-tung | 毛泽东"


def test_place_import_carries_variant_names(archivist, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("name,parent,variant_names\nChina,,\nBeijing,China,Peking|北京\n")

    call_command("import_records", "places", str(path), "--user", archivist.username)

    assert Place.objects.get(name="Beijing").variant_name_list == ["Peking", "北京"]
