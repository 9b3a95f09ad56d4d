"""The editorial roles, as Django groups with model permissions.

`sync_roles()` is idempotent: the data migration calls it, and so does the
post_migrate hook, so a permission added by a later migration reaches the
groups without anyone editing them by hand.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

ARCHIVIST = "Archivist"
EDITOR = "Editor"

# Everything an archivist edits day to day; editors get the same and more.
_RECORD_MODELS = [
    "document",
    "provenance",
    "scan",
    "transcript",
    "translation",
    "collection",
    "agent",
    "place",
    "topic",
    "repository",
    "declassifyingauthority",
    "translator",
    "funder",
    "language",
    "classification",
    "documenttype",
    "rightsstatement",
]
_ARCHIVIST_ACTIONS = ["view", "add", "change"]
_ARCHIVIST_DELETES = ["scan", "transcript", "translation", "provenance"]
# Editorial decisions (curation.Editorial): approve, publish, see the desk's activity.
_EDITOR_DECISIONS = ["review_translation", "publish_document", "view_activity"]


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """(app_label, codename) pairs each role holds.

    Submitting a translation needs only `change_translation`. History is read
    with `view_historical<model>`; reverting needs `change_historical<model>`
    (django-simple-history's own permission check), which only editors hold.
    """
    archivist = {("archive", f"{a}_{m}") for m in _RECORD_MODELS for a in _ARCHIVIST_ACTIONS}
    archivist |= {("archive", f"delete_{m}") for m in _ARCHIVIST_DELETES}
    archivist |= {("curation", f"view_historical{m}") for m in _RECORD_MODELS}
    archivist |= {("curation", "view_reviewentry")}
    # Spreadsheet import (curation/imports.py): documents arrive as drafts for archivists.
    archivist |= {("curation", "import_records")}
    editor = archivist | {("archive", f"delete_{m}") for m in _RECORD_MODELS}
    editor |= {("curation", f"change_historical{m}") for m in _RECORD_MODELS}
    editor |= {("curation", codename) for codename in _EDITOR_DECISIONS}
    return {ARCHIVIST: archivist, EDITOR: editor}


def sync_roles(*, apps=global_apps, using: str = "default") -> None:
    """Create or update the role groups; `apps` is the migration's registry there."""
    # Permissions normally appear after post_migrate; create them now so this
    # also works inside a data migration (where models_module is unset).
    for label in ("archive", "curation"):
        try:
            config = apps.get_app_config(label)
        except LookupError:  # curation has no models yet at its first migration
            continue
        models_module = getattr(config, "models_module", None)
        config.models_module = models_module or True
        create_permissions(config, verbosity=0, using=using, apps=apps)
        config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    available = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, wanted in role_permissions().items():
        missing = wanted - available.keys()
        # A migration runs before later migrations add models (and permissions);
        # outside one, a missing permission is a mistake in role_permissions().
        if missing and apps is global_apps:
            raise LookupError(f"{role}: no such permissions {sorted(missing)}")
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([available[key] for key in sorted(wanted - missing)])
