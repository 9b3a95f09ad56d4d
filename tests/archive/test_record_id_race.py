"""Documents created at the same moment each get their own record ID, never an error."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from archive.models import Document
from archive.models import documents as document_models
from tests import factories


def in_thread(work):
    """Run `work` on its own database connection; return what it returned or raised."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # reported to the test, which asserts on it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_a_creation_racing_an_uncommitted_one_takes_the_next_number():
    """Both read the same highest number; the second waits for the first, then moves on."""
    first_inserted, second_started = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            document = Document.objects.create(title="First")
            first_inserted.set()
            second_started.wait(timeout=10)
            # Commit only once the second creation has read the highest number.
            threading.Event().wait(0.5)
        return document.record_id

    def second():
        first_inserted.wait(timeout=10)
        second_started.set()
        return Document.objects.create(title="Second").record_id

    threads = [in_thread(first), in_thread(second)]
    for thread, _ in threads:
        thread.join(timeout=30)
    (_, mine), (_, theirs) = threads
    assert "error" not in mine and "error" not in theirs, (mine, theirs)
    assert theirs["value"] == mine["value"] + 1


@pytest.mark.django_db(transaction=True)
def test_many_documents_created_at_once_all_get_distinct_record_ids():
    creators, each = 8, 5
    start = threading.Barrier(creators)

    def create(n):
        def work():
            start.wait(timeout=10)
            return [Document.objects.create(title=f"Cable {n}").record_id for _ in range(each)]

        return work

    threads = [in_thread(create(n)) for n in range(creators)]
    for thread, _ in threads:
        thread.join(timeout=60)
    errors = [outcome["error"] for _, outcome in threads if "error" in outcome]
    assert errors == []
    numbers = [number for _, outcome in threads for number in outcome["value"]]
    assert sorted(numbers) == list(range(1, creators * each + 1))
    # Same titles at the same moment: the slugs were told apart as well.
    assert Document.objects.values("slug").distinct().count() == creators * each


def first_read_returns(monkeypatch, taken: int) -> None:
    """Replay the race in one connection: the first highest number read is already taken.

    That is what a creator sees when another one committed between its read of
    the highest number and its insert (the threaded tests above do it for real).
    """
    real = document_models.next_record_id
    reads = iter([taken])
    monkeypatch.setattr(document_models, "next_record_id", lambda: next(reads, None) or real())


@pytest.mark.django_db
def test_a_taken_number_is_replaced_by_the_next_free_one(monkeypatch):
    existing = factories.DocumentFactory()
    first_read_returns(monkeypatch, existing.record_id)
    document = Document.objects.create(title="Second")
    assert document.record_id == existing.record_id + 1


@pytest.mark.django_db
def test_the_retry_keeps_the_callers_transaction_usable(monkeypatch):
    existing = factories.DocumentFactory()
    first_read_returns(monkeypatch, existing.record_id)
    with transaction.atomic():
        document = Document.objects.create(title="Inside a bigger change")
        factories.TranscriptFactory(document=document)
    assert document.record_id == existing.record_id + 1
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_a_clash_on_a_number_given_on_purpose_is_not_hidden():
    existing = factories.DocumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(title="Imported", record_id=existing.record_id)
