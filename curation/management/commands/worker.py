"""`manage.py worker`: the task worker (django-tasks-db's `db_worker`, same options) that
first queues the periodic tasks (scheduled publication) if none is waiting."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from curation.periodic import ensure_periodic_tasks


class Command(DatabaseWorkerCommand):
    help = "Run background tasks (imports, scan derivatives, mail, scheduled publication)."

    def handle(self, *args, **options):
        for name in ensure_periodic_tasks():
            self.stdout.write(f"Queued periodic task {name}.")
        super().handle(*args, **options)
