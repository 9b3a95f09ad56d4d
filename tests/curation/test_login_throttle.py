"""Failed logins are limited per account and per address, through the admin's own login form."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
LOGIN = reverse("admin:login")


def log_in(username: str, password: str, address: str = "203.0.113.7") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def fail(username: str, times: int, address: str = "203.0.113.7") -> None:
    for _ in range(times):
        _, response = log_in(username, "not the password", address)
        assert response.status_code in (200, 429)  # the form again, then the lockout page


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Each attempt checks a password: a cheap hasher keeps dozens of them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return factories.UserFactory(username="alice", is_staff=True)


@pytest.fixture
def bob(db):
    return factories.UserFactory(username="bob", is_staff=True)


def test_an_account_is_locked_after_too_many_failures_even_with_the_right_password(
    alice, bob, settings
):
    fail("alice", settings.AXES_FAILURE_LIMIT - 1)
    client, response = log_in("alice", PASSWORD)
    assert response.status_code == 302  # one short of the limit, the right password works
    assert is_signed_in(client)
    fail("alice", 1)

    client, response = log_in("alice", PASSWORD, address="198.51.100.20")  # from elsewhere
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert f"Try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert "ask an administrator to unlock" in page
    assert not is_signed_in(client)

    # Another account, from another address, is not affected.
    client, response = log_in("bob", PASSWORD, address="198.51.100.21")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_an_address_is_locked_after_too_many_failures_on_any_accounts(alice, bob, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(f"guess{n}", 1, address="192.0.2.50")

    client, response = log_in("bob", PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    assert not is_signed_in(client)

    client, response = log_in("bob", PASSWORD, address="192.0.2.51")
    assert response.status_code == 302


def test_reset_username_unlocks_the_account(alice, settings):
    fail("alice", settings.AXES_FAILURE_LIMIT)
    assert log_in("alice", PASSWORD)[1].status_code == 429

    call_command("axes_reset_username", "alice")

    client, response = log_in("alice", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_an_admin_unlocks_an_account_from_the_admin(alice, settings):
    fail("alice", settings.AXES_FAILURE_LIMIT)
    assert log_in("alice", PASSWORD)[1].status_code == 429

    admin_client = Client()
    admin_client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "alice" in admin_client.get(changelist).content.decode()
    attempts = [
        str(pk)
        for pk in AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True)
    ]
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302

    assert log_in("alice", PASSWORD)[1].status_code == 302
