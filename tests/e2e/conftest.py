"""Browser tests: Playwright's sync API driving Debian's Chromium against live_server.

Fixtures:
- ``browser``: one headless Chromium (/usr/bin/chromium) for the whole session;
  every context it opens (the ``page`` fixture's and a test's own) reports
  Content-Security-Policy violations, and a test with any fails at teardown.
- ``page``: a fresh browser context and page per test; on failure a screenshot of
  it lands in test-artifacts/.
- ``artifacts_dir``: test-artifacts/ under the repo root, for screenshots.
- ``axe``: ``tests.e2e.axe.run_axe``, the accessibility check (axe-core from npm).

The server is pytest-django's ``live_server``; tests that use it need
``@pytest.mark.django_db(transaction=True)`` so the server thread sees their data.
Mark every test here ``@pytest.mark.e2e`` (they are also marked automatically,
so ``pytest -m "not e2e"`` leaves them all out).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.axe import run_axe

# Playwright's sync API runs an asyncio event loop in the test thread, and Django
# then refuses ORM calls from that thread with SynchronousOnlyOperation. Django
# documents this variable as the way out for such cases; the test code is
# synchronous, and the live server runs in a thread of its own.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

# Runs in every frame before the page's own scripts: each violation of the page's
# Content-Security-Policy becomes a console error with this prefix.
CSP_VIOLATION = "CSP violation:"
REPORT_CSP_VIOLATIONS = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  console.error(`{CSP_VIOLATION} ${{event.effectiveDirective}} refused `
    + `${{event.blockedURI || "inline"}} on ${{event.documentURI}} `
    + `(${{event.sourceFile}}:${{event.lineNumber}}) ${{event.sample}}`);
}}, true);
"""

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


class CspWatchedBrowser:
    """The session's Chromium, whose every new context collects CSP violations.

    From the page's securitypolicyviolation events: Playwright does not pass on
    Chromium's own "Refused to ..." console lines.
    """

    def __init__(self, browser):
        self._browser = browser
        self.csp_violations: list[str] = []

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._on_console)
        return context

    def _on_console(self, message) -> None:
        if message.text.startswith(CSP_VIOLATION):
            self.csp_violations.append(message.text)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Fails a browser test, at teardown, if any page it opened broke the CSP."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    browser.csp_violations.clear()
    yield
    if browser.csp_violations:
        pytest.fail(
            "Content-Security-Policy violations reported by Chromium:\n"
            + "\n".join(dict.fromkeys(browser.csp_violations)),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium.\n"
            f"{'*' * 72}\n"
            "  Install it, then run the tests again:\n\n"
            "      sudo apt-get update && sudo apt-get install chromium\n"
            f"{'*' * 72}",
            pytrace=False,
        )
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield CspWatchedBrowser(browser)
        finally:
            browser.close()


@pytest.fixture
def page(browser, request, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed and not page.is_closed():
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            try:
                page.screenshot(path=artifacts_dir / f"FAILED-{name}.png", full_page=True)
            except Exception as exc:  # a screenshot must not hide the real failure
                print(f"could not save a failure screenshot: {exc}")
        context.close()


@pytest.fixture
def axe():
    """The accessibility check: ``axe(page)`` returns the serious and critical violations."""
    return run_axe
