"""A reader reads a reference document side by side (issue 17, items 1 and 2): chooses
scan | English and Chinese | English, moves through paragraphs with the keyboard and sees
the counterpart highlighted and the scan turned to its page; opens a paragraph's link; on a
phone gets tabs without horizontal scroll; without JavaScript gets the two as sections side
by side. axe finds nothing serious, the CSP holds (conftest), nothing leaves the site."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from archive.models import Document, Language, Translation
from tests.e2e.axe import format_violations
from tests.e2e.test_iiif_viewer import typed_page
from tests.factories import ScanFactory, SimpleUploadedFile, TranscriptFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The Mao telegram's original: its fifth paragraph is two here, and page 2 of the scan
# begins at the third; long enough to scroll. The English translation has seven paragraphs.
PARAGRAPHS = [
    "恩来并中央：",
    "今日（七日）上午一时维辛斯基来我处谈三件事：",
    "[page 2]",
    "（一）我们要购买航空油料，可以满足。" * 30,
    "（二）小丰满水电站修坝，可以满足。" * 30,
    "（三）建议我外交部发表声明。" * 30,
    "维辛斯基征求我的意见，我即表示同意。" * 30,
    "毛泽东",
    "一月七日上午六时",
]
CHINESE = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)


@pytest.fixture
def mao(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    document = Document.objects.get(record_id=100001)
    TranscriptFactory(document=document, language=Language.objects.get(code="zh"), body=CHINESE)
    ScanFactory(
        document=document, position=2, file=SimpleUploadedFile("p2.jpg", typed_page()),
        label="Page 2", alt_text="Second page of the telegram",
    )  # fmt: skip
    english = Translation.objects.get(document=document)
    english.alignment = "5=5-6"  # the editor's correction: English 5 renders Chinese 5 and 6
    english.save()
    return {"english": f"translation-en-{english.pk}", "chinese": "transcript-zh"}


@pytest.fixture
def offsite(page, live_server):
    """Every request the page makes to anywhere but the site."""
    requests = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http", "ws"))
            and not request.url.startswith(live_server.url)
            and requests.append(request.url)
        ),
    )
    return requests


def check_axe(page, axe, name):
    violations = axe(page)
    assert not violations, f"{name}:\n" + format_violations(violations)


def in_view(page, selector, within=None) -> bool:
    """Whether the element is inside the window (and inside `within`, a scrolling pane)."""
    return page.evaluate(
        """([selector, within]) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          const frame = within ? document.querySelector(within).getBoundingClientRect()
            : {top: 0, bottom: window.innerHeight};
          return box.top >= frame.top - 1 && box.top < Math.min(frame.bottom, window.innerHeight);
        }""",
        [selector, within],
    )


def test_reader_reads_scan_and_chinese_beside_english(
    page, live_server, mao, axe, artifacts_dir, offsite
):
    english, chinese = mao["english"], mao["chinese"]
    page.goto(f"{live_server.url}/documents/100001/")
    chooser = page.get_by_role("group", name="Read side by side")

    # Scan | English: both panes on screen, next to each other.
    chooser.get_by_label("Left").select_option(label="Original scans")
    chooser.get_by_label("Right").select_option(label="English translation")
    assert f"left=scans&right={english}" in page.url
    scan_pane, english_pane = page.locator("#scans"), page.locator(f"#{english}")
    expect(scan_pane).to_be_visible()
    expect(english_pane).to_be_visible()
    expect(page.locator(f"#{chinese}")).to_be_hidden()
    assert scan_pane.bounding_box()["x"] < english_pane.bounding_box()["x"]
    expect(page.get_by_role("tablist")).to_be_hidden()  # tabs are for one pane at a time
    expect(page.locator("[data-iiif-viewer]")).to_have_attribute("data-page", "1")

    # Down through the English paragraphs: the third falls on page 2 of the scan.
    page.locator("#p1").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#p3")).to_be_focused()
    assert page.url.endswith(f"left=scans&right={english}#p3")  # a link to cite
    expect(page.locator("[data-iiif-viewer]")).to_have_attribute("data-page", "2")
    page.keyboard.press("ArrowUp")
    expect(page.locator("[data-iiif-viewer]")).to_have_attribute("data-page", "1")

    # Chinese | English: each Chinese paragraph lights up its English counterpart.
    chooser.get_by_label("Left").select_option(label="Original transcript (Chinese)")
    assert f"left={chinese}&right={english}" in page.url
    expect(page.locator("#scans")).to_be_hidden()
    page.locator(f"#{chinese}-p1").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{chinese}-p2")).to_be_focused()
    expect(page.locator("#p2")).to_have_class("para is-counterpart")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{chinese}-p6")).to_be_focused()  # half of English 5
    expect(page.locator("#p5")).to_have_class("para is-counterpart")
    expect(page.locator("#p6")).not_to_have_class("para is-counterpart")
    assert in_view(page, "#p5", within=f"#{english}")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#p6")).to_have_class("para is-counterpart")  # Mao's signature

    # The other way round: an English paragraph made of two Chinese ones lights both.
    page.locator("#p5").focus()
    expect(page.locator(f"#{chinese}-p5")).to_have_class("para is-counterpart")
    expect(page.locator(f"#{chinese}-p6")).to_have_class("para is-counterpart")
    check_axe(page, axe, "side by side, desktop")
    page.screenshot(path=artifacts_dir / "side-by-side-desktop.png")

    # Scrolling in step: the English side follows the Chinese, aligned paragraph level with
    # aligned paragraph (English 5 beside Chinese 6, its second half).
    chooser.get_by_label("Scroll in step").check()
    assert "step=1" in page.url
    page.locator(f"#{chinese}").evaluate(
        "(pane, id) => { pane.scrollTop += document.getElementById(id).getBoundingClientRect()"
        ".top - pane.getBoundingClientRect().top - 2; }",
        f"{chinese}-p4",
    )
    page.wait_for_function(
        """([left, right]) => {
          const top = (id) => document.getElementById(id).getBoundingClientRect().top
            - document.getElementById(id).closest(".reader-panel").getBoundingClientRect().top;
          return Math.abs(top(left) - top(right)) < 2;
        }""",
        arg=[f"{chinese}-p4", "p4"],
    )

    # The choice is in the URL: opened afresh, the page shows the same two.
    page.goto(page.url.split("#")[0])
    expect(page.locator(f"#{chinese}")).to_be_visible()
    expect(page.locator("#p1")).to_be_visible()
    assert not offsite


def test_link_to_a_paragraph_lands_on_it(page, live_server, mao):
    page.goto(f"{live_server.url}/documents/100001/#p3")

    expect(page.locator("#p3")).to_be_focused()
    assert in_view(page, "#p3")
    expect(page.locator("#p3")).to_contain_text("(1) [The Soviet Union]")

    page.goto(f"{live_server.url}/documents/100001/#{mao['chinese']}-p4")
    expect(page.get_by_role("tab", name="Original transcript (Chinese)")).to_have_attribute(
        "aria-selected", "true"
    )
    assert in_view(page, f"#{mao['chinese']}-p4")


def test_phone_keeps_tabs_without_horizontal_scroll(browser, live_server, mao, axe, artifacts_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/documents/100001/?left={mao['chinese']}&right={mao['english']}")

    expect(page.get_by_role("tablist", name="Versions of the document")).to_be_visible()
    expect(page.get_by_role("group", name="Read side by side")).to_be_hidden()
    expect(page.get_by_role("tab", name="Original transcript (Chinese)")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.locator(f"#{mao['english']}")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page, axe, "document page with a choice, phone width")
    page.screenshot(path=artifacts_dir / "side-by-side-phone.png", full_page=True)
    context.close()


def test_without_javascript_the_chosen_two_are_sections_side_by_side(browser, live_server, mao):
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-US", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/documents/100001/")
    chooser = page.get_by_role("group", name="Read side by side")
    chooser.get_by_label("Left").select_option(label="Original transcript (Chinese)")
    chooser.get_by_label("Right").select_option(label="English translation")
    chooser.get_by_role("button", name="Show side by side").click()

    left, right = page.locator(f"#{mao['chinese']}"), page.locator(f"#{mao['english']}")
    expect(right).to_be_visible()
    left_box, right_box = left.bounding_box(), right.bounding_box()
    assert left_box["x"] + left_box["width"] <= right_box["x"]
    assert abs(left_box["y"] - right_box["y"]) < 5
    expect(page.locator("#scans")).to_be_visible()  # the others follow as plain sections
    context.close()
