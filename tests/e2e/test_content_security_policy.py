"""The Content-Security-Policy in a real browser: Chromium refuses what is inline, and
the browser tests hear of every refusal (tests/e2e/conftest.py fails a test on any)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PublishedDocumentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.inlineScriptRan = true";
  document.body.append(script);
  const styled = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
  document.body.insertAdjacentHTML("beforeend", styled);
}"""


def test_inline_script_and_style_are_refused_and_reported(page, browser, live_server):
    PublishedDocumentFactory(date_entered="1950-01-07")
    response = page.goto(f"{live_server.url}/years/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    page.evaluate(INJECT)

    assert page.evaluate("() => window.inlineScriptRan") is None
    expect(page.locator("#styled")).not_to_have_css("color", "rgb(255, 0, 0)")
    for _ in range(40):  # the events arrive as tasks after the refusals: wait for both
        if len(browser.csp_violations) >= 2:
            break
        page.wait_for_timeout(50)
    reported = "\n".join(browser.csp_violations)
    assert "script-src-elem refused inline" in reported
    assert "style-src-attr refused inline" in reported
    browser.csp_violations.clear()  # expected here; any other test fails on them


def test_the_year_bars_draw_without_inline_style(page, live_server):
    PublishedDocumentFactory(date_entered="1950-01-07")
    PublishedDocumentFactory.create_batch(3, date_entered="1953-07-27")
    page.goto(f"{live_server.url}/years/")
    widths = [
        page.locator(".timeline li", has_text=year).locator("rect").last.bounding_box()["width"]
        for year in ("1950", "1953")
    ]
    assert 0 < widths[0] < widths[1]
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.05)


def test_json_ld_is_data_that_the_policy_lets_through(page, browser, live_server):
    """Chromium does not run a <script type="application/ld+json">, so the policy does not
    refuse it: it needs no nonce, and crawlers still read it."""
    document = PublishedDocumentFactory(date_entered="1950-01-07")
    page.goto(f"{live_server.url}{document.get_absolute_url()}")
    data = page.evaluate(
        "() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
    )
    assert data["name"] == document.title
    page.wait_for_timeout(200)
    assert browser.csp_violations == []
