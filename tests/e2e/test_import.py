"""An archivist imports a spreadsheet in the admin: a preview with a bad row, a fixed
file, a clean preview, confirm; the documents arrive as drafts and, once an editor
publishes them, readers find them in search."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from archive.models import Document
from curation import services
from curation.roles import ARCHIVIST, EDITOR
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long e2e password, 42 times"
HEADER = "record_id;title;date;summary;rights_statement;creators;transcript_language;transcript"
ROWS = [
    "800001;Cable on the narwhal trade;1965-05-30;A cable.;Open;Zhou Enlai;en;<p>Narwhal.</p>",
    "800002;Letter on the narwhal fleet;{date};A letter.;Open;Zhou Enlai;en;<p>Fleet.</p>",
]


def person(username: str, role: str):
    user = factories.UserFactory(username=username, is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


def upload(page, text: str) -> None:
    page.get_by_label("File to import").set_input_files(
        files=[{"name": "batch.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()


def test_an_archivist_imports_a_spreadsheet_and_it_reaches_search(page, live_server):
    base = live_server.url
    person("archie", ARCHIVIST)
    editor = person("edith", EDITOR)
    factories.RightsStatementFactory(name="Open")
    factories.LanguageFactory(code="en", name="English")
    factories.AgentFactory(name="Zhou Enlai")

    page.goto(f"{base}/admin/login/?next=/admin/archive/document/")
    page.get_by_label("Username").fill("archie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import").click()

    bad = "\n".join([HEADER, ROWS[0], ROWS[1].format(date="May 30 65")])
    upload(page, bad)
    expect(
        page.get_by_text("2 rows: 1 created, 0 updated, 0 unchanged, 1 in error")
    ).to_be_visible()
    errors = page.locator("table.import-preview")
    expect(errors).to_contain_text("date")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)

    upload(page, "\n".join([HEADER, ROWS[0], ROWS[1].format(date="1965-06-02")]))
    expect(
        page.get_by_text("2 rows: 2 created, 0 updated, 0 unchanged, 0 in error")
    ).to_be_visible()
    page.get_by_role("button", name="Confirm import").click()

    expect(page).to_have_url(f"{base}/admin/archive/document/")
    expect(page.get_by_role("link", name="Cable on the narwhal trade")).to_be_visible()
    expect(page.get_by_role("link", name="Letter on the narwhal fleet")).to_be_visible()
    assert set(Document.objects.values_list("status", flat=True)) == {"draft"}

    page.goto(f"{base}/search/?q=narwhal")
    expect(page.get_by_text("Cable on the narwhal trade")).to_have_count(0)

    for document in Document.objects.all():
        services.document_publish(document=document, editor=editor)
    page.goto(f"{base}/search/?q=narwhal")
    expect(page.get_by_role("link", name="Cable on the narwhal trade")).to_be_visible()
    expect(page.get_by_role("link", name="Letter on the narwhal fleet")).to_be_visible()
