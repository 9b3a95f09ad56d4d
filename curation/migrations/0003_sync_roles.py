from django.db import migrations


def sync(apps, schema_editor):
    from curation.roles import sync_roles

    sync_roles(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Give the roles the review, publishing and history permissions added in 0002."""

    dependencies = [("curation", "0002_history_and_review")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
