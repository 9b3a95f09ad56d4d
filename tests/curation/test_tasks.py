"""The task worker (`manage.py db_worker`, on the database queue) runs each kind of
background work: scan derivatives, reindexing a large import, mail, and scheduled
publication as a periodic task. (Imports: test_background_import.py.)"""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from archive.iiif import tiles
from archive.models import Document
from curation import services
from curation.import_files import read_import_file
from curation.imports import ImportOptions, documents_import
from curation.models import ReviewEntry
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_uploaded_image_gets_its_tiles_from_the_worker(task_worker):
    scan = factories.ScanFactory(file=factories.png_upload("page.png", size=(900, 600)))
    info = f"{tiles.folder_of(scan_id=scan.id, file_name=scan.file.name)}/{tiles.INFO_NAME}"
    assert not default_storage.exists(info)  # the save did not wait for them

    task_worker()

    assert default_storage.exists(info)
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_large_import_is_reindexed_by_the_worker(task_worker, editor, settings):
    from tests.archive.search.helpers import found

    settings.DOSSIER_REINDEX_INLINE_LIMIT = 2
    factories.RightsStatementFactory(name="Open")
    factories.LanguageFactory(code="en", name="English")
    rows = "".join(
        f"{n},Memorandum {n} on the walrus fisheries,1950,S,published,Open,en,<p>Quotas.</p>\n"
        for n in (31, 32, 33)
    )
    text = "record_id,title,date,summary,status,rights_statement,transcript_language,transcript\n"
    file = read_import_file(data=(text + rows).encode(), name="walrus.csv")

    report = documents_import(file=file, user=editor, options=ImportOptions(dry_run=False))

    assert report.written and report.created == 3
    assert found("walrus") == []
    task_worker()
    assert len(found("walrus")) == 3


def test_review_mail_is_sent_by_the_worker(task_worker, translation, archivist, editor, mailoutbox):
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor, comment="Fine work")
    assert mailoutbox == []  # the approval did not wait for the mail server

    task_worker()

    assert [m.to for m in mailoutbox] == [[archivist.email]]
    assert "Fine work" in mailoutbox[0].body
    assert ReviewEntry.objects.filter(action=ReviewEntry.Action.APPROVED).exists()


def test_scheduled_publication_runs_as_a_periodic_task(task_worker, ready_document, editor):
    when = timezone.now() + datetime.timedelta(hours=1)
    services.document_schedule(document=ready_document, editor=editor, publish_at=when)
    # An hour passes.
    Document.objects.filter(pk=ready_document.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    call_command("worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    ready_document.refresh_from_db()
    assert ready_document.status == Document.Status.PUBLISHED
    waiting = DBTaskResult.objects.filter(
        task_path="curation.periodic.publish_scheduled_documents", status=TaskResultStatus.READY
    )
    next_run = waiting.get().run_after
    assert timezone.now() < next_run <= timezone.now() + datetime.timedelta(minutes=1)

    call_command("worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert waiting.count() == 1  # a second worker start queues no second run


def test_the_periodic_tidy_prunes_old_finished_task_results_and_queues_itself(task_worker):
    from curation.periodic import tidy_task_queue
    from curation.tasks import send_mail_later

    for _ in range(5):
        send_mail_later.enqueue(subject="s", message="m", recipient_list=["a@example.org"])
    now = timezone.now()
    ids = list(DBTaskResult.objects.values_list("id", flat=True))
    fates = [  # (status, finished so long ago), the last still waiting
        (TaskResultStatus.SUCCESSFUL, datetime.timedelta(days=2)),
        (TaskResultStatus.SUCCESSFUL, datetime.timedelta(hours=2)),
        (TaskResultStatus.FAILED, datetime.timedelta(days=3)),
        (TaskResultStatus.FAILED, datetime.timedelta(days=20)),
    ]
    for id_, (status, ago) in zip(ids, fates, strict=False):
        DBTaskResult.objects.filter(id=id_).update(status=status, finished_at=now - ago)

    tidy_task_queue.call()

    kept = sorted(
        (str(r.status), r.finished_at is not None)
        for r in DBTaskResult.objects.filter(task_path="curation.tasks.send_mail_later")
    )
    assert kept == [("FAILED", True), ("READY", False), ("SUCCESSFUL", True)]
    assert DBTaskResult.objects.filter(
        task_path="curation.periodic.tidy_task_queue", status=TaskResultStatus.READY
    ).exists()
