"""Every page, public and admin, is served under a Content-Security-Policy that allows no
inline script or style, and its HTML needs none (what a browser would refuse is absent)."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.models import Collection, Document, Translation
from tests import factories

pytestmark = pytest.mark.django_db

# What the policy refuses: script and style elements without a src or the page's nonce,
# style="" and on*="" attributes, javascript: URLs. JSON (JSON-LD, a page's settings) is
# data and is not run.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/(?:ld\+)?json)[^>]*>"
)
INLINE_STYLE = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>")
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True  # load_demo runs on development sites only
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    collection = Collection.objects.filter(parent__isnull=True).first()
    collection.image = factories.png_upload("cover.png")
    collection.image_alt = "A cover"
    collection.save()


def assert_served_under_a_strict_policy(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", f"{url}: {policy!r}"
    for directive in ("script-src", "style-src"):
        assert directives.get(directive, "").startswith("'self'"), f"{url}: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    html = response.content.decode()
    for pattern in (
        INLINE_SCRIPT,
        INLINE_STYLE,
        STYLE_ATTRIBUTE,
        HANDLER_ATTRIBUTE,
        JAVASCRIPT_URL,
    ):
        found = pattern.search(html)
        assert not found, f"{url} needs 'unsafe-inline' for: {found.group(0)[:200]}"


def public_urls() -> list[str]:
    document = Document.objects.filter(status=Document.Status.PUBLISHED).first()
    collection = Collection.objects.filter(parent__isnull=True).first()
    return [
        "/",
        document.get_absolute_url(),
        reverse("archive:collection_list"),
        reverse("archive:collection_detail", args=[collection.slug]),
        reverse("archive:browse"),
        reverse("archive:place_list"),
        reverse("archive:topic_list"),
        reverse("archive:year_list"),
        reverse("archive:translator_list"),
        reverse("archive:funder_list"),
        reverse("search:results") + "?q=telegram",
        "/api/v1/docs/",
    ]


def admin_urls() -> list[str]:
    document = Document.objects.first()
    translation = Translation.objects.first()
    collection = Collection.objects.exclude(image="").first()
    return [
        reverse("admin:index"),
        reverse("admin:archive_document_changelist"),
        reverse("admin:archive_document_add"),
        reverse("admin:archive_document_change", args=[document.pk]),
        reverse("admin:archive_document_history", args=[document.pk]),
        reverse(
            "admin:archive_document_simple_history",
            args=[document.pk, document.history.earliest("history_date").history_id],
        ),
        reverse("admin:archive_translation_change", args=[translation.pk]),
        reverse("admin:archive_collection_changelist"),
        reverse("admin:archive_collection_change", args=[collection.pk]),
        reverse("admin:archive_place_changelist") + "?q=a",
        reverse("curation:activity"),
        reverse("curation:review_queue"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:password_change"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:archive_document_import"),
        reverse("admin:archive_document_export"),
        reverse("admin:archive_place_export"),
        reverse("archive:document_preview", args=[document.record_id]),
    ]


def test_every_public_page_is_served_under_the_policy(demo, client):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_served_under_a_strict_policy(response, url)


def test_every_admin_page_is_served_under_the_policy(demo):
    login = Client().get(reverse("admin:login"))
    assert_served_under_a_strict_policy(login, "login")
    admin = Client()
    admin.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    for url in admin_urls():
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_served_under_a_strict_policy(response, url)


def test_the_lockout_page_is_served_under_the_policy(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert_served_under_a_strict_policy(response, "lockout page")
