"""After a load test: is every edit the server accepted in the database, and in history?

bench/locustfile.py records each save as it was posted (the record, the field, a marker
unique to the save written into that field, the hidden version token the form was opened
with) and what the server answered. An accepted save is lost when:

- no version in the record's history holds its marker (missing);
- the version before it is not the one its editor opened: it was written over a change
  its editor never saw (a silent overwrite, which the stale-form guard must refuse);
- a later version changed the field without being itself an accepted save;
- the record does not hold the marker now although no later save replaced it;
- and, for any record edited, the record and its newest version disagree (half-written).

Review moves (submit, approve) accepted by the server must each have their review entry.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from archive.models import Document, Translation
from curation.models import ReviewEntry

MODELS = {"document": Document, "translation": Translation}
REVIEW_ACTIONS = {"submit": ReviewEntry.Action.SUBMITTED, "approve": ReviewEntry.Action.APPROVED}


@dataclass(frozen=True)
class Edit:
    model: str  # "document" or "translation"
    pk: int
    field: str  # the field changed, or the review move ("submit", "approve")
    marker: str  # written into the field by this save; "" for review moves
    opened: str  # the form's version token (the record's updated_at, ISO 8601)
    user: str
    outcome: str  # "accepted" or "refused" (stale, or a move the state did not allow)

    @classmethod
    def from_record(cls, record: dict) -> "Edit":
        return cls(**{name: record[name] for name in cls.__dataclass_fields__})


def lost_edits(edits: list[Edit], *, since: datetime | None = None) -> list[str]:
    """A line for each accepted edit the database does not hold as it should; review
    moves are looked for in the review log from `since` (the run's start) on."""
    accepted = [edit for edit in edits if edit.outcome == "accepted"]
    problems = _lost_moves([e for e in accepted if e.field in REVIEW_ACTIONS], since)
    by_field = defaultdict(list)
    for edit in accepted:
        if edit.field not in REVIEW_ACTIONS:
            by_field[edit.model, edit.pk, edit.field].append(edit)
    for (model, pk, field), saves in sorted(by_field.items()):
        problems += _lost_saves(MODELS[model], pk, field, saves)
    return problems


def _lost_saves(model, pk: int, field: str, saves: list[Edit]) -> list[str]:
    name = f"{model._meta.model_name} {pk} {field}"
    versions = list(
        model.history.filter(**{model._meta.pk.attname: pk})
        .order_by("history_date", "history_id")
        .values_list(field, "updated_at")
    )
    current = model.objects.filter(pk=pk).values_list(field, flat=True).first()
    problems = []
    if versions and current != versions[-1][0]:
        problems.append(f"{name}: the record and its newest version differ (half-written)")
    first_row = {}
    for save in saves:
        rows = [i for i, (value, _) in enumerate(versions) if save.marker in value]
        if not rows:
            problems.append(f"{name}: {save.marker} by {save.user} is in no version (missing)")
            continue
        first_row[rows[0]] = save
        before = versions[rows[0] - 1][1] if rows[0] else None
        if before is not None and before != datetime.fromisoformat(save.opened):
            problems.append(
                f"{name}: {save.marker} by {save.user} was saved over a version its editor "
                f"had not seen (opened {save.opened}, saved over {before.isoformat()}): "
                "a silent overwrite"
            )
    for i, save in first_row.items():
        later = next(
            (j for j in range(i + 1, len(versions)) if save.marker not in versions[j][0]), None
        )
        if later is None and save.marker not in (current or ""):
            problems.append(f"{name}: {save.marker} by {save.user} is not in the record now")
        elif later is not None and later not in first_row:
            problems.append(
                f"{name}: {save.marker} by {save.user} was replaced by a change that was "
                "not an accepted save"
            )
    return problems


def _lost_moves(moves: list[Edit], since: datetime | None) -> list[str]:
    problems = []
    wanted = Counter((move.pk, move.field, move.user) for move in moves)
    entries = ReviewEntry.objects.filter(created_at__gte=since) if since else ReviewEntry.objects
    for (pk, move, user), count in sorted(wanted.items()):
        logged = entries.filter(
            translation_id=pk, action=REVIEW_ACTIONS[move], actor__username=user
        ).count()
        if logged < count:
            problems.append(
                f"translation {pk} {move} by {user}: {count} accepted, {logged} in the review log"
            )
    return problems
