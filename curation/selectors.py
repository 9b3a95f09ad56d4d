"""Reads for the editors' desk pages, with their joins in one place."""

from dataclasses import dataclass
from datetime import datetime
from heapq import merge
from itertools import islice

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.text import capfirst

from archive.models import Translation
from curation.models import HISTORY_M2M_FIELDS, ReviewEntry

State = Translation.State


def _latest_entry(action: str, column: str) -> Subquery:
    return Subquery(
        ReviewEntry.objects.filter(translation=OuterRef("pk"), action=action)
        .order_by("-created_at", "-pk")
        .values(column)[:1]
    )


def _with_review_columns(queryset: QuerySet[Translation]) -> QuerySet[Translation]:
    submitted = ReviewEntry.Action.SUBMITTED
    return (
        queryset.select_related("document", "language")
        .prefetch_related("translators")
        .annotate(
            submitted_at=_latest_entry(submitted, "created_at"),
            submitter_id=_latest_entry(submitted, "actor_id"),
            submitter_name=_latest_entry(submitted, "actor__username"),
        )
    )


def review_queue() -> QuerySet[Translation]:
    """Translations waiting for an editor, the longest-waiting first."""
    return _with_review_columns(Translation.objects.filter(state=State.SUBMITTED)).order_by(
        F("submitted_at").asc(nulls_first=True), "pk"
    )


def sent_back_to(user: AbstractBaseUser) -> QuerySet[Translation]:
    """Translations this user submitted that an editor sent back, with the comment."""
    requested = ReviewEntry.Action.CHANGES_REQUESTED
    return (
        _with_review_columns(Translation.objects.filter(state=State.CHANGES_REQUESTED))
        .filter(submitter_id=user.pk)
        .annotate(
            review_comment=_latest_entry(requested, "comment"),
            reviewer_name=_latest_entry(requested, "actor__username"),
            reviewed_at=_latest_entry(requested, "created_at"),
        )
        .order_by("-reviewed_at", "pk")
    )


def translation_submitter(translation: Translation):
    """Who submitted the revision now under review (or last reviewed)."""
    entry = (
        ReviewEntry.objects.filter(translation=translation, action=ReviewEntry.Action.SUBMITTED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return entry.actor if entry else None


def translation_for_review(pk: int) -> Translation:
    return (
        Translation.objects.select_related("document", "language")
        .prefetch_related("translators")
        .get(pk=pk)
    )


def review_entries(translation: Translation) -> QuerySet[ReviewEntry]:
    return translation.review_entries.select_related("actor").order_by("-created_at", "-pk")


def previous_submission(translation: Translation) -> ReviewEntry | None:
    """The submission before the current one: what the editor sent back last time."""
    submissions = review_entries(translation).filter(action=ReviewEntry.Action.SUBMITTED)
    return submissions[1] if submissions.count() > 1 else None


@dataclass(frozen=True)
class Activity:
    when: datetime
    record: object  # a historical record
    model_name: str
    history_url: str

    @property
    def user(self):
        return self.record.history_user

    @property
    def action(self) -> str:
        return self.record.get_history_type_display()


def _activity_of(model: type, limit: int) -> list[Activity]:
    """One model's latest history entries, each named and linked for that model.

    A function of its own so the name and link are bound per model: a generator built
    in a loop would read them late and give every row the last model's.
    """
    records = model.history.select_related("history_user").order_by("-history_date")[:limit]
    name = capfirst(model._meta.verbose_name)
    url_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_history"
    pk_name = model._meta.pk.attname
    return [
        Activity(r.history_date, r, name, reverse(url_name, args=[getattr(r, pk_name)]))
        for r in records
    ]


def recent_activity(limit: int = 50) -> list[Activity]:
    """The latest history entries of every kind of record, newest first.

    One query per model, each already limited, merged in Python.
    """
    streams = [_activity_of(model, limit) for model in HISTORY_M2M_FIELDS]
    merged = merge(*streams, key=lambda a: a.when, reverse=True)
    return list(islice(merged, limit))
