"""What the import commands share: the importing user, a progress bar, the report."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from curation.imports import IMPORT_PERMISSION, ImportReport


def importing_user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user “{username}”.")
    if not user.has_perm(IMPORT_PERMISSION):
        raise CommandError(f"{username} may not import (needs the import permission).")
    return user


class ProgressBar:
    """A one-line bar on stderr: rows done of total and errors so far, redrawn at most
    ten times a second."""

    def __init__(self, stream, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.drawn_at = 0.0

    def __call__(self, done: int, total: int, errors: int = 0) -> None:
        now = time.monotonic()
        if now - self.drawn_at < 0.1 and done < total:
            return
        self.drawn_at = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        found = f", {errors} errors" if errors else ""
        self.stream.write(f"\r[{bar}] {done}/{total}{found}", ending="")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("")


def print_report(stdout, report: ImportReport) -> None:
    stdout.write(report.summary())
    for kind, names in report.new_authorities.items():
        stdout.write(f"  new {kind}: {'; '.join(names)}")
    for row in report.rows:
        if row.kind == "update":
            changes = ", ".join(
                f"{name}: {old!r} → {new!r}" for name, (old, new) in row.diff.items()
            )
            stdout.write(f"  row {row.row} (record {row.record_id}) updated: {changes}")
    for error in report.errors:
        stdout.write(f"  error: {error}")
