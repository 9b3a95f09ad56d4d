"""The load test's check finds every accepted edit the database does not hold as it should.

Saves go through the admin's change form as the load test's editors post it (the form's
fields read from the page by bench/browser_forms.py), so the rows checked are real.
"""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Document
from bench.browser_forms import form_fields, replace_value, with_summary_marker
from bench.loadcheck import Edit, lost_edits
from curation import services
from curation.roles import ARCHIVIST, EDITOR
from tests import factories
from tests.curation.conftest import client_for, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    document = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.TranscriptFactory(document=document)
    return document


@pytest.fixture
def archivist():
    return member(ARCHIVIST, "load-archivist-1")


def open_form(client, document) -> list[tuple[str, str]]:
    url = reverse("admin:archive_document_change", args=[document.pk])
    return form_fields(client.get(url).content.decode(), "document_form")


def save(client, document, fields, marker: str, *, user: str) -> Edit:
    """Post the opened form with the marker in the summary, as bench/locustfile.py does."""
    url = reverse("admin:archive_document_change", args=[document.pk])
    fields = replace_value(fields, "summary", lambda value: with_summary_marker(value, marker))
    data = {}
    for name, value in [*fields, ("_continue", "Save")]:
        data.setdefault(name, []).append(value)  # a select may send several values
    response = client.post(url, data)
    return Edit(
        model="document",
        pk=document.pk,
        field="summary",
        marker=marker,
        opened=dict(fields)["concurrency_token"],
        user=user,
        outcome="accepted" if response.status_code == 302 else "refused",
    )


def test_saves_one_after_the_other_are_all_found(archivist, document):
    client = client_for(archivist)
    first = save(client, document, open_form(client, document), "load-a-1", user="archie")
    second = save(client, document, open_form(client, document), "load-a-2", user="archie")

    assert [first.outcome, second.outcome] == ["accepted", "accepted"]
    assert lost_edits([first, second]) == []
    document.refresh_from_db()
    assert document.summary.endswith("[load-a-2]")


def test_a_save_refused_as_stale_is_not_an_edit_to_find(archivist, document):
    client = client_for(archivist)
    mine, theirs = open_form(client, document), open_form(client, document)
    first = save(client, document, theirs, "load-a-1", user="archie")
    refused = save(client, document, mine, "load-a-2", user="archie")

    assert refused.outcome == "refused"
    assert lost_edits([first, refused]) == []


def test_a_save_over_a_version_its_editor_had_not_seen_is_a_lost_edit(archivist, document):
    client = client_for(archivist)
    mine, theirs = open_form(client, document), open_form(client, document)
    first = save(client, document, theirs, "load-a-1", user="archie")
    # A server without the stale-form guard: the save goes through with the editor's old
    # copy, as if the token had not been checked.
    fresh = dict(open_form(client, document))["concurrency_token"]
    blind = [(k, fresh if k == "concurrency_token" else v) for k, v in mine]
    overwrite = save(client, document, blind, "load-a-2", user="archie")
    overwrite = replace(overwrite, opened=dict(mine)["concurrency_token"])

    assert overwrite.outcome == "accepted"
    (problem,) = lost_edits([first, overwrite])
    assert "load-a-2" in problem and "silent overwrite" in problem


def test_an_accepted_save_the_database_does_not_hold_is_lost(archivist, document):
    client = client_for(archivist)
    kept = save(client, document, open_form(client, document), "load-a-1", user="archie")
    never_written = replace(kept, marker="load-a-9")

    (problem,) = lost_edits([kept, never_written])
    assert "load-a-9" in problem and "missing" in problem


def test_a_record_that_differs_from_its_newest_version_is_half_written(archivist, document):
    client = client_for(archivist)
    kept = save(client, document, open_form(client, document), "load-a-1", user="archie")
    Document.objects.filter(pk=document.pk).update(summary="Written past the history.")

    problems = lost_edits([kept])
    assert any("half-written" in p for p in problems)
    assert any("load-a-1" in p and "not in the record now" in p for p in problems)


def test_an_accepted_approval_needs_its_review_entry(archivist):
    editor = member(EDITOR, "load-editor-1")
    translation = factories.TranslationFactory()
    approval = Edit("translation", translation.pk, "approve", "", "", editor.username, "accepted")

    assert len(lost_edits([approval])) == 1
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)
    assert lost_edits([approval]) == []
    # An approval logged before the run does not stand for one made during it.
    assert len(lost_edits([approval], since=timezone.now())) == 1
