"""Readers see the credit and translators a translation was approved with (issue 13, item 9).

Editing an approved translation starts a new revision; until an editor approves it the
public page, its citations and search keep the approved text *and* who made it.
"""

import json
import re

import pytest
from django.urls import reverse

from archive.models import Translation
from curation import services
from tests import factories
from tests.archive.search.helpers import found
from tests.curation.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(ready_document, archivist, editor):
    services.document_publish(document=ready_document, editor=editor)
    translation = factories.TranslationFactory(
        document=ready_document, body="<p>To the Foreign Ministry.</p>"
    )
    translation.translators.add(factories.TranslatorFactory(name="David Cowhig"))
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)
    return translation


def public_view(client, document) -> dict:
    page = client.get(document.get_absolute_url()).content.decode()
    json_ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    return {
        "credits": re.findall(r'<p class="credit">([^<]*)</p>', page),
        "translator links": re.findall(r'href="/translators/([^/]+)/"', page),
        "ris": client.get(f"/documents/{document.record_id}/citation.ris").content.decode(),
        "json-ld": json_ld,
        "cowhig's documents": found(translator="david-cowhig"),
        "pribbenow's documents": found(translator="merle-pribbenow"),
        "pribbenow's page lists it": document.title
        in client.get("/translators/merle-pribbenow/").content.decode(),
    }


def test_a_revised_credit_stays_out_of_sight_until_approved(
    client, archivist_client, archivist, second_editor, approved
):
    document = approved.document
    pribbenow = factories.TranslatorFactory(name="Merle Pribbenow")
    before = public_view(client, document)
    assert before["credits"] == ["Translated by David Cowhig"]
    assert before["translator links"] == ["david-cowhig"]
    assert before["cowhig's documents"] == [document.title]

    url = reverse("admin:archive_translation_change", args=[approved.pk])
    opened = archivist_client.get(url)
    response = archivist_client.post(
        url,
        admin_form_data(
            opened,
            credit_line="Translated for CWIHP by Merle Pribbenow",
            translators=[pribbenow.pk],
        ),
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.state == Translation.State.DRAFT

    assert public_view(client, document) == before

    services.translation_submit(translation=approved, user=archivist)
    services.translation_approve(translation=approved, editor=second_editor)
    after = public_view(client, document)
    assert after["credits"] == ["Translated for CWIHP by Merle Pribbenow"]
    assert after["translator links"] == ["merle-pribbenow"]
    assert "Merle Pribbenow" in after["ris"] and "Cowhig" not in after["ris"]
    assert (after["cowhig's documents"], after["pribbenow's documents"]) == ([], [document.title])
    assert after["pribbenow's page lists it"]


def test_withdrawing_drops_the_credit_readers_saw(editor, approved):
    services.translation_withdraw(translation=approved, editor=editor, reason="Rights")
    approved.refresh_from_db()
    assert approved.approved_credit == ""
    assert not approved.approved_translators.exists()
    assert found(translator="david-cowhig") == []


def test_the_upgrade_takes_the_credit_of_translations_approved_before(approved):
    """Translations approved before the snapshot existed get one, from the working copy."""
    from importlib import import_module

    from django.apps import apps

    Translation.objects.filter(pk=approved.pk).update(approved_credit="")
    approved.approved_translators.clear()
    draft = factories.TranslationFactory(document=approved.document)
    draft.translators.add(factories.TranslatorFactory())

    migration = import_module("archive.migrations.0009_translation_approved_credit")
    migration.keep_approved_credit(apps, None)

    approved.refresh_from_db()
    assert approved.approved_credit == "Translated by David Cowhig"
    assert [t.name for t in approved.approved_translators.all()] == ["David Cowhig"]
    assert not draft.approved_translators.exists()  # not public: nothing to keep
