"""factory-boy factories for every record, so tests state only what matters."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from archive import models


def png_upload(name: str = "page.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 190, 170)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name: str = "original.pdf") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Language
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"l{n}")
    name = factory.Sequence(lambda n: f"Language {n}")


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Classification

    name = factory.Sequence(lambda n: f"Secret {n}")


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DocumentType

    name = factory.Sequence(lambda n: f"Cable {n}")


class RightsStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RightsStatement

    name = factory.Sequence(lambda n: f"Reuse statement {n}")
    text = "<p>Reuse welcome for research and education.</p>"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place

    name = factory.Sequence(lambda n: f"Place {n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agent

    name = factory.Sequence(lambda n: f"Agent {n}")


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Repository

    name = factory.Sequence(lambda n: f"Repository {n}")


class DeclassifyingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DeclassifyingAuthority

    name = factory.Sequence(lambda n: f"Declassifying authority {n}")


class TranslatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Translator

    name = factory.Sequence(lambda n: f"Translator {n}")


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Funder

    name = factory.Sequence(lambda n: f"Foundation {n}")


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Collection

    title = factory.Sequence(lambda n: f"Collection {n}")
    short_description = "A set of documents."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Document

    title = factory.Sequence(lambda n: f"Cable number {n}")
    summary = "A cable about something that happened."
    date_entered = "1965-05-30"


class PublishedDocumentFactory(DocumentFactory):
    status = models.Document.Status.PUBLISHED
    first_published_at = factory.Faker("date_time_this_decade", tzinfo=datetime.UTC)
    rights_statement = factory.SubFactory(RightsStatementFactory)


class ProvenanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Provenance

    document = factory.SubFactory(DocumentFactory)
    repository = factory.SubFactory(RepositoryFactory)
    archival_reference = factory.Sequence(lambda n: f"FMA 109-{n:05d}")


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Scan

    document = factory.SubFactory(DocumentFactory)
    position = factory.Sequence(lambda n: n + 1)
    file = factory.LazyFunction(png_upload)
    alt_text = "First page of the cable"


class TranscriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Transcript

    document = factory.SubFactory(DocumentFactory)
    language = factory.SubFactory(LanguageFactory, code="zh", name="Chinese")
    body = "<p>致外交部</p>"


class TranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Translation

    document = factory.SubFactory(DocumentFactory)
    language = factory.SubFactory(LanguageFactory, code="en", name="English")
    body = "<p>To the Foreign Ministry:</p>"
