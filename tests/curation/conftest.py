"""People of the editors' desk, and a document ready for readers."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from curation.roles import ARCHIVIST, EDITOR
from tests import factories


def member(role: str, username: str):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def archivist(db):
    return member(ARCHIVIST, "archie")


@pytest.fixture
def editor(db):
    return member(EDITOR, "edith")


@pytest.fixture
def second_editor(db):
    return member(EDITOR, "eduardo")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def archivist_client(archivist, client):
    client.force_login(archivist)
    return client


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def ready_document(db):
    """A draft with everything a reader needs: publishable as it stands."""
    document = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.TranscriptFactory(document=document)
    return document


@pytest.fixture
def translation(db):
    translation = factories.TranslationFactory(body="<p>To the Foreign Ministry: draft.</p>")
    translation.translators.add(factories.TranslatorFactory(name="David Cowhig"))
    return translation
