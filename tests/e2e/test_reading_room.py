"""A reader in a real browser: home → a collection → a document; switch versions, cite,
copy and download; follow place and topic links; meet a draft's 404 and a withdrawn
document's 410. axe-core checks each kind of page."""

import io
import re

import bibtexparser
import pytest
import rispy
from django.core.management import call_command
from playwright.sync_api import expect

from archive.models import Document, Language
from tests.e2e.axe import format_violations
from tests.factories import DocumentFactory, PublishedDocumentFactory, TranscriptFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAO_TITLE = "Telegram, Mao Zedong to Zhou Enlai and CCP CC"
POLITBURO_TITLE = "Secret North Vietnam Politburo Cable"


@pytest.fixture
def demo(settings):
    """The demo archive, plus what a reader's tour needs that it lacks: a transcript, a
    related document, a draft and a withdrawn document."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    mao = Document.objects.get(record_id=100001)
    TranscriptFactory(
        document=mao,
        language=Language.objects.get(code="zh"),
        body="<p>恩来并中央：</p><p>今日（七日）上午一时维辛斯基来我处谈三件事。</p>",
    )
    mao.related_documents.add(Document.objects.get(record_id=100004))
    draft = DocumentFactory(title="Draft cable not yet public")
    withdrawn = PublishedDocumentFactory(title="Cable found to be a forgery")
    withdrawn.status = Document.Status.WITHDRAWN
    withdrawn.withdrawal_reason = "The original was shown to be a forgery."
    withdrawn.save()
    return {"draft": draft, "withdrawn": withdrawn}


def check_axe(page, axe, name):
    violations = axe(page)
    assert not violations, f"{name}:\n" + format_violations(violations)


def test_reader_tours_the_reading_room(page, live_server, demo, axe, artifacts_dir):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # Home: search box, featured collections, recent documents.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "History and Public Policy Program Digital Archive"
    )
    expect(page.get_by_role("searchbox", name="Search the archive")).to_be_visible()
    expect(page.get_by_role("heading", name="Recently published")).to_be_visible()
    check_axe(page, axe, "home")

    # → the featured collection → its sub-collection → the document.
    page.get_by_role("link", name="Sino-Soviet Relations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sino-Soviet Relations")
    expect(page.get_by_text("Ciphered Telegram, Filippov [Stalin] to Mao Zedong")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search within this collection")).to_be_visible()
    check_axe(page, axe, "collection page")
    page.get_by_role("link", name="Sino-Soviet Alliance, 1950-1959").first.click()
    page.go_back()
    page.get_by_role("heading", name="Sub-collections").scroll_into_view_if_needed()
    page.get_by_role("heading", name="Making of the Sino-Soviet Alliance, 1945-1950").get_by_role(
        "link"
    ).click()
    page.get_by_role("link", name=MAO_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MAO_TITLE)
    expect(page).to_have_url(re.compile(r"/documents/100001/telegram-mao-zedong"))
    check_axe(page, axe, "document page")

    # Switch translation, transcript and scan.
    tabs = page.get_by_role("tablist", name="Versions of the document")
    translation_tab = tabs.get_by_role("tab", name="English translation")
    transcript_tab = tabs.get_by_role("tab", name="Original transcript (Chinese)")
    scan_tab = tabs.get_by_role("tab", name="Original scan")
    expect(translation_tab).to_have_attribute("aria-selected", "true")
    translation = page.get_by_role("tabpanel", name="English translation")
    expect(translation).to_contain_text("At 1:00 a.m. today (the 7th), Vyshinskii came")

    # Read a little way into the translation, look at the transcript, come back.
    page.get_by_text("(3) [He] proposed that our foreign ministry").scroll_into_view_if_needed()
    reading_at = page.evaluate("window.scrollY")
    transcript_tab.click()
    expect(page.get_by_role("tabpanel", name="Original transcript (Chinese)")).to_contain_text(
        "恩来并中央"
    )
    expect(translation).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#transcript-zh$"))
    transcript_tab.press("ArrowRight")
    expect(scan_tab).to_be_focused()
    expect(scan_tab).to_have_attribute("aria-selected", "true")
    scans = page.get_by_role("tabpanel", name="Original scan")
    expect(scans.locator("object[type='application/pdf']")).to_be_attached()
    expect(scans.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
    scan_tab.press("Home")
    expect(translation_tab).to_have_attribute("aria-selected", "true")
    expect(translation).to_be_visible()
    assert abs(page.evaluate("window.scrollY") - reading_at) < 5  # the reader's place is kept

    # The scan's file is served to readers.
    pdf = page.request.get(live_server.url + page.locator("#scans object").get_attribute("data"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # A reload keeps the chosen version.
    page.goto(page.url.split("#")[0] + "#transcript-zh")
    page.reload()
    expect(transcript_tab).to_have_attribute("aria-selected", "true")

    # Get the citation, copy it, download it as RIS and BibTeX.
    page.get_by_text("Get citation").click()
    citation = page.locator("#citation-text")
    expect(citation).to_contain_text(f'"{MAO_TITLE}," January 07, 1950')
    expect(citation).to_contain_text(f"{live_server.url}/documents/100001/")
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator("#citation-copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == citation.inner_text().strip()
    with page.expect_download() as ris:
        page.get_by_role("link", name="RIS").click()
    [entry] = rispy.load(ris.value.path(), encoding="utf-8")
    assert entry["title"] == MAO_TITLE and entry["authors"] == ["Mao Zedong"]
    with page.expect_download() as bib:
        page.get_by_role("link", name="BibTeX").click()
    library = bibtexparser.parse_file(str(bib.value.path()))
    assert library.entries[0].fields_dict["title"].value == f"{{{MAO_TITLE}}}"

    # Share: the permalink, copied.
    page.get_by_text("Share document").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#permalink-copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/documents/100001/"

    # Screenshots at desktop and phone width; nothing wider than a phone's screen.
    page.goto(page.url.split("#")[0])
    page.screenshot(path=artifacts_dir / "document-page-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts_dir / "document-page-phone.png", full_page=True)
    check_axe(page, axe, "document page, phone width")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A related document, then its place and topic links.
    page.get_by_role("link", name=POLITBURO_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(POLITBURO_TITLE)
    page.get_by_role("region", name="Associated Places").get_by_role("link", name="Hanoi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hanoi")
    expect(page.get_by_role("link", name=POLITBURO_TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="Search these documents")).to_have_attribute(
        "href", "/search/?place=hanoi"
    )
    check_axe(page, axe, "place page")
    page.go_back()
    page.get_by_role("region", name="Associated Topics").get_by_role(
        "link", name="Vietnam War"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vietnam War")
    expect(page.get_by_role("link", name=POLITBURO_TITLE)).to_be_visible()
    check_axe(page, axe, "topic page")

    # Drafts are not there; withdrawn documents leave a tombstone.
    draft = page.goto(f"{live_server.url}/documents/{demo['draft'].record_id}/")
    assert draft.status == 404
    withdrawn = demo["withdrawn"]
    response = page.goto(f"{live_server.url}/documents/{withdrawn.record_id}/")
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Cable found to be a forgery")
    expect(page.get_by_text("The original was shown to be a forgery.")).to_be_visible()
    expect(page.locator(".citation-text")).to_contain_text('"Cable found to be a forgery,"')


@pytest.mark.parametrize(
    "path",
    ["/collections/", "/browse/", "/places/", "/years/", "/translators/david-cowhig/"],
)
def test_list_and_browse_pages_pass_axe(page, live_server, demo, axe, path):
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page, axe, path)


def test_keyboard_reaches_the_tabs_with_a_visible_focus(page, live_server, demo):
    page.goto(f"{live_server.url}/documents/100001/")
    tab = page.get_by_role("tab", name="English translation")
    tab.focus()
    outline = tab.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Original scan")).to_be_focused()
