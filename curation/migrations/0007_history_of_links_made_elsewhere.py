"""Give each document a version holding the related documents it has.

A related-documents link goes both ways, but until now only the record it was made from
kept a version with it; the other record's history showed the link appearing with its next
save, as if that editor had made it ("Related documents: [] → [...]"). Each document whose
latest version disagrees with its links gets one more version, the latest one with today's
links, by no one, saying why.
"""

from django.db import migrations
from django.utils import timezone

LINKS = [
    "original_languages",
    "creators",
    "recipients",
    "places",
    "topics",
    "collections",
    "related_documents",
    "attachments",
    "funders",
]
REASON = "Links made from other documents"


def catch_up(apps, schema_editor):
    through = apps.get_model("archive", "Document").related_documents.through
    version_model = apps.get_model("curation", "HistoricalDocument")
    link_models = {name: apps.get_model("curation", f"HistoricalDocument_{name}") for name in LINKS}
    related = link_models["related_documents"]
    candidates = set(through.objects.values_list("from_document", flat=True)) | set(
        related.objects.values_list("from_document", flat=True)
    )
    now = timezone.now()
    for pk in sorted(candidates):
        latest = (
            version_model.objects.filter(id=pk).order_by("-history_date", "-history_id").first()
        )
        if latest is None or latest.history_type == "-":
            continue
        kept = set(related.objects.filter(history=latest).values_list("to_document", flat=True))
        actual = dict(through.objects.filter(from_document=pk).values_list("to_document", "pk"))
        if kept == set(actual):
            continue
        previous = latest.history_id
        latest.history_id = None
        latest.history_date = now
        latest.history_type = "~"
        latest.history_user = None
        latest.history_change_reason = REASON
        latest.save(force_insert=True)
        for name, link_model in link_models.items():
            if name == "related_documents":
                rows = [
                    link_model(id=row, history=latest, from_document_id=pk, to_document_id=other)
                    for other, row in sorted(actual.items())
                ]
            else:
                rows = list(link_model.objects.filter(history_id=previous))
                for row in rows:
                    row.m2m_history_id = None
                    row.history = latest
            link_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_translation_approved_credit"),
        ("curation", "0006_history_of_approved_credit"),
    ]

    operations = [
        migrations.RunPython(catch_up, migrations.RunPython.noop, elidable=True),
    ]
