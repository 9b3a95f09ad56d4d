"""The editors' desk in a real browser: a superuser logs in through the admin form."""

import re

import pytest
from django.contrib import admin
from django.urls import get_resolver
from playwright.sync_api import expect

from tests.e2e.axe import format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERNAME = "e2e-admin"
PASSWORD = "a long e2e password, 42 times"


def admin_index_title() -> str:
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf, which titles the admin
    return str(admin.site.index_title)


def test_superuser_logs_in_to_the_editors_desk(
    page, live_server, django_user_model, artifacts_dir, axe
):
    django_user_model.objects.create_superuser(
        username=USERNAME, email="e2e-admin@example.org", password=PASSWORD
    )

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))

    violations = axe(page)
    assert not violations, "admin login page:\n" + format_violations(violations)

    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1, name=admin_index_title())).to_be_visible()
    page.screenshot(path=artifacts_dir / "admin-index.png", full_page=True)


def test_too_many_wrong_passwords_lock_the_login_with_a_clear_page(
    page, live_server, django_user_model, settings, axe, artifacts_dir
):
    django_user_model.objects.create_user(username=USERNAME, password=PASSWORD, is_staff=True)

    def log_in(password: str) -> None:
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("a wrong password")
        expect(page.locator(".errornote")).to_contain_text("Please enter the correct username")
    log_in("a wrong password")

    log_in(PASSWORD)  # the right one, too late
    expect(page.get_by_role("heading", level=1, name="Too many failed logins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("ask an administrator to unlock")
    violations = axe(page)
    assert not violations, "lockout page:\n" + format_violations(violations)
    page.screenshot(path=artifacts_dir / "admin-lockout.png", full_page=True)

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
