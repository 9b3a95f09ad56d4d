"""The API's docs page works from the site's own files under a strict Content-Security-Policy
(no inline script or style, nothing from another host), as every page will be served."""

import pytest
from playwright.sync_api import expect

from tests.factories import PublishedDocumentFactory

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'"
)


@pytest.mark.django_db(transaction=True)
def test_api_docs_page_lists_and_runs_operations_under_a_strict_csp(live_server, page):
    PublishedDocumentFactory(title="Telegram to the embassy")

    def with_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": STRICT_CSP}
        )

    page.route("**/api/v1/docs/", with_csp)
    violations, foreign = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")

    operation = page.locator(".opblock-summary-path", has_text="/api/v1/documents").first
    expect(operation).to_be_visible()
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".response-col_description").first).to_be_visible()
    expect(page.locator(".responses-inner").first).to_contain_text("Telegram to the embassy")
    assert violations == []
    assert foreign == []
