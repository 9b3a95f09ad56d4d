"""Write the reference records (`reference.py`) to the database.

Every record is matched on its natural key (record ID, slug, name, language code …), so
loading twice changes nothing. Django's `update_or_create()` always saves, which would bump
every `updated_at` on each run; `_upsert()` takes the same lookup and values but saves only
when a stored value differs.
"""

import io
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from PIL import Image, ImageDraw, ImageFont

from archive import models as archive
from archive import versions
from archive.demo import reference
from archive.richtext import RichTextField, sanitize_html

TEXTS_DIR = Path(__file__).resolve().parent / "texts"


@dataclass
class LoadReport:
    """How many records of each kind the load created, updated or left unchanged."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def add(self, model: type[models.Model], outcome: str) -> None:
        getattr(self, outcome)[str(model._meta.verbose_name_plural)] += 1

    @property
    def changed(self) -> bool:
        return bool(self.created.total() or self.updated.total())

    def lines(self) -> list[str]:
        kinds = sorted(self.created.keys() | self.updated.keys() | self.unchanged.keys())
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        ]


@dataclass
class _Loaded:
    """Records written so far, by natural key, for the records that point to them."""

    report: LoadReport
    languages: dict[str, archive.Language] = field(default_factory=dict)
    classifications: dict[str, archive.Classification] = field(default_factory=dict)
    document_types: dict[str, archive.DocumentType] = field(default_factory=dict)
    agents: dict[str, archive.Agent] = field(default_factory=dict)
    places: dict[str, archive.Place] = field(default_factory=dict)
    topics: dict[str, archive.Topic] = field(default_factory=dict)
    repositories: dict[str, archive.Repository] = field(default_factory=dict)
    translators: dict[str, archive.Translator] = field(default_factory=dict)
    funders: dict[str, archive.Funder] = field(default_factory=dict)
    rights: dict[str, archive.RightsStatement] = field(default_factory=dict)
    collections: dict[str, archive.Collection] = field(default_factory=dict)
    documents: dict[int, archive.Document] = field(default_factory=dict)


@transaction.atomic
def load_reference_archive() -> LoadReport:
    """Create or update the demo archive: the reference pages' records and what they cite."""
    loaded = _Loaded(report=LoadReport())
    for data in reference.LANGUAGES:
        _load_language(loaded, data)
    for data in reference.CLASSIFICATIONS:
        _load_classification(loaded, data)
    for name in reference.DOCUMENT_TYPES:
        _load_document_type(loaded, name)
    for data in reference.AGENTS:
        _load_agent(loaded, data)
    for data in reference.PLACES:
        _load_place(loaded, data)
    for name in reference.TOPICS:
        _load_topic(loaded, name)
    for data in reference.REPOSITORIES:
        _load_repository(loaded, data)
    for data in reference.TRANSLATORS:
        _load_translator(loaded, data)
    for data in reference.FUNDERS:
        _load_funder(loaded, data)
    for data in reference.RIGHTS_STATEMENTS:
        _load_rights_statement(loaded, data)
    for data in reference.COLLECTIONS:
        _load_collection(loaded, data)
    for data in (*reference.DOCUMENTS, *reference.COLLECTION_DOCUMENTS):
        _load_document(loaded, data)
    _link_related_documents(loaded, reference.RELATED_DOCUMENTS)
    return loaded.report


# Authorities ---------------------------------------------------------------------------------


def _load_language(loaded: _Loaded, data: reference.LanguageData) -> None:
    loaded.languages[data.code] = _upsert(
        loaded.report, archive.Language, {"code": data.code}, {"name": data.name}
    )


def _load_classification(loaded: _Loaded, data: reference.ClassificationData) -> None:
    loaded.classifications[data.name] = _upsert(
        loaded.report, archive.Classification, {"name": data.name}, {"rank": data.rank}
    )


def _load_document_type(loaded: _Loaded, name: str) -> None:
    loaded.document_types[name] = _upsert(loaded.report, archive.DocumentType, {"name": name}, {})


def _load_agent(loaded: _Loaded, data: reference.AgentData) -> None:
    loaded.agents[data.name] = _upsert(
        loaded.report,
        archive.Agent,
        {"name": data.name},
        {"kind": data.kind, "description": data.description},
    )


def _load_place(loaded: _Loaded, data: reference.PlaceData) -> None:
    parent = loaded.places[data.parent] if data.parent else None
    loaded.places[data.name] = _upsert(
        loaded.report, archive.Place, {"name": data.name, "parent": parent}, {}
    )


def _load_topic(loaded: _Loaded, name: str) -> None:
    loaded.topics[name] = _upsert(loaded.report, archive.Topic, {"name": name}, {})


def _load_repository(loaded: _Loaded, data: reference.RepositoryData) -> None:
    loaded.repositories[data.name] = _upsert(
        loaded.report, archive.Repository, {"name": data.name}, {"location": data.location}
    )


def _load_translator(loaded: _Loaded, data: reference.TranslatorData) -> None:
    translator = _upsert(loaded.report, archive.Translator, {"name": data.name}, {})
    translator.working_languages.set(_pick(loaded.languages, data.working_languages))
    loaded.translators[data.name] = translator


def _load_funder(loaded: _Loaded, data: reference.FunderData) -> None:
    loaded.funders[data.name] = _upsert(
        loaded.report,
        archive.Funder,
        {"name": data.name},
        {"credit_line": data.credit_line, "url": data.url},
    )


def _load_rights_statement(loaded: _Loaded, data: reference.RightsData) -> None:
    loaded.rights[data.name] = _upsert(
        loaded.report, archive.RightsStatement, {"name": data.name}, {"text": data.text}
    )


# Collections and documents -------------------------------------------------------------------


def _load_collection(loaded: _Loaded, data: reference.CollectionData) -> None:
    loaded.collections[data.slug] = _upsert(
        loaded.report,
        archive.Collection,
        {"slug": data.slug},
        {
            "title": data.title,
            "short_description": data.short_description,
            "description": data.description,
            "image_caption": data.image_caption,
            "parent": loaded.collections[data.parent] if data.parent else None,
            "position": data.position,
            "featured": data.featured,
            "active": data.active,
        },
    )


def _load_document(loaded: _Loaded, data: reference.DocumentData) -> None:
    values: dict[str, Any] = {
        "title": data.title,
        "summary": data.summary,
        "date_entered": data.date,
        "document_type": loaded.document_types[data.document_type],
        "classification": (
            loaded.classifications[data.classification] if data.classification else None
        ),
        "rights_statement": loaded.rights[data.rights_statement] if data.rights_statement else None,
        "status": archive.Document.Status.PUBLISHED,
        "first_published_at": data.uploaded,
    }
    if data.slug:
        values["slug"] = data.slug
    document = _upsert(loaded.report, archive.Document, {"record_id": data.record_id}, values)
    document.original_languages.set(_pick(loaded.languages, data.original_languages))
    document.creators.set(_pick(loaded.agents, data.creators))
    document.recipients.set(_pick(loaded.agents, data.recipients))
    document.places.set(_pick(loaded.places, data.places))
    document.topics.set(_pick(loaded.topics, data.topics))
    document.collections.set(_pick(loaded.collections, data.collections))
    document.funders.set(_pick(loaded.funders, data.funders))
    if data.provenance:
        _load_provenance(loaded, document, data.provenance)
    for translation in data.translations:
        _load_translation(loaded, document, translation, approved_at=data.uploaded)
    for scan in data.scans:
        _load_scan(loaded, document, scan)
    loaded.documents[data.record_id] = document


def _load_provenance(
    loaded: _Loaded, document: archive.Document, data: reference.ProvenanceData
) -> None:
    _upsert(
        loaded.report,
        archive.Provenance,
        {"document": document},
        {
            "repository": loaded.repositories[data.repository] if data.repository else None,
            "archival_reference": data.archival_reference,
            "published_source": data.published_source,
            "translation_source": data.translation_source,
        },
    )


def _load_translation(
    loaded: _Loaded,
    document: archive.Document,
    data: reference.TranslationData,
    *,
    approved_at: datetime,
) -> None:
    """An approved translation: readers see `approved_body`, which equals the working text."""
    text = (TEXTS_DIR / f"{data.text}.html").read_text(encoding="utf-8")
    translation = _upsert(
        loaded.report,
        archive.Translation,
        {"document": document, "language": loaded.languages[data.language]},
        {
            "body": text,
            "approved_body": text,
            "state": archive.Translation.State.APPROVED,
            "approved_at": approved_at,
            "credit_line": data.credit_line,
        },
    )
    translation.translators.set(_pick(loaded.translators, data.translators))
    if translation.approved_credit != translation.credit() or set(
        translation.approved_translators.all()
    ) != set(translation.translators.all()):
        translation.keep_approved_credit()
        translation.save(update_fields=["approved_credit"])
    versions.record_approved_version(translation)


def _load_scan(loaded: _Loaded, document: archive.Document, data: reference.ScanData) -> None:
    """A placeholder PDF, drawn only when the scan does not exist yet."""
    _upsert(
        loaded.report,
        archive.Scan,
        {"document": document, "position": data.position},
        {"label": data.label, "alt_text": data.alt_text},
        create_values={
            "file": lambda: placeholder_pdf(
                data.placeholder, name=f"{document.record_id}-original.pdf"
            )
        },
    )


def _link_related_documents(loaded: _Loaded, pairs: Iterable[tuple[int, int]]) -> None:
    related: dict[int, list[archive.Document]] = {record_id: [] for record_id in loaded.documents}
    for a, b in pairs:
        related[a].append(loaded.documents[b])
        related[b].append(loaded.documents[a])
    for record_id, others in related.items():
        loaded.documents[record_id].related_documents.set(others)


def placeholder_pdf(text: str, *, name: str) -> ContentFile:
    """A one-page PDF saying `text`, standing in for a scan the demo does not include."""
    page = Image.new("L", (850, 1100), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=32)
    draw.multiline_text((80, 120), textwrap.fill(text, 40), fill="black", font=font, spacing=14)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=100)
    return ContentFile(buffer.getvalue(), name=name)


# Upserting -----------------------------------------------------------------------------------


def _pick[K, V](loaded: dict[K, V], keys: Iterable[K]) -> list[V]:
    return [loaded[key] for key in keys]


def _upsert[M: models.Model](
    report: LoadReport,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    create_values: dict[str, Callable[[], Any]] | None = None,
) -> M:
    """Like `update_or_create(defaults=values, **lookup)`, but saves only what changed.

    `create_values` are callables giving values set only on creation (e.g. a file that an
    existing record keeps).
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        made = {name: make() for name, make in (create_values or {}).items()}
        instance, outcome = model(**lookup, **values, **made), "created"
    elif any(_differs(instance, name, value) for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        outcome = "updated"
    else:
        report.add(model, "unchanged")
        return instance
    # Validate as the admin would: derived (non-editable) fields are the model's own business.
    instance.full_clean(exclude=[f.name for f in model._meta.fields if not f.editable])
    instance.save()
    report.add(model, outcome)
    return instance


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    """Whether saving `value` would change what is stored in field `name`."""
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        value = value.pk if value is not None else None
    elif isinstance(model_field, RichTextField):
        value = sanitize_html(value)
    return getattr(instance, model_field.attname) != value
