"""Anonymous readers' pages read from the replica alias; editors and writes use the
primary. The replica here is the test database's mirror alias (a second connection to
it, tests/conftest.py), as a streaming replica is a second copy; so the data is
committed (transaction=True)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def read_replica(settings):
    settings.DOSSIER_READ_REPLICA = "replica"


def test_anonymous_pages_read_from_the_replica(client):
    document = factories.PublishedDocumentFactory(title="Read from the copy")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        response = client.get(document.get_absolute_url(), follow=True)
    assert "Read from the copy" in response.text
    assert len(copy.captured_queries) > 0
    assert primary.captured_queries == []


def test_staff_and_writes_use_the_primary(client):
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    with CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get("/admin/archive/document/")
    assert response.status_code == 200
    assert copy.captured_queries == []
