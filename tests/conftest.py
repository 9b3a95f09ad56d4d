import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files written by a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def tasks_run_when_queued(settings):
    """Background tasks run as they are queued, so a test sees their effect at once; the
    tests of the worker itself (tests/test_tasks.py) put them on the database queue."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not memory.

    For an in-memory database the live server's threads share the test's one connection,
    and sqlite3 fails ("bad parameter or other API misuse") when a browser asks for
    several files at once (a scan viewer's tiles). With a file each thread opens its own
    connection, as a real server's do (WAL and a busy timeout, see config/settings.py).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    # A read replica alias, a mirror of the test database (a second connection to it), for
    # tests/test_replica_router.py; the router uses it only where DOSSIER_READ_REPLICA says.
    replica = {key: value for key, value in database.items() if key != "TEST"}
    settings.DATABASES["replica"] = {**replica, "TEST": {"MIRROR": "default"}}


@pytest.fixture
def task_worker(settings):
    """Tasks wait in the database queue; calling the fixture runs the real worker
    (`manage.py db_worker --batch`) until the queue is empty."""
    from django.core.management import call_command

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    return run
