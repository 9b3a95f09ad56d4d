from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from curation import notifications

        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        notifications.connect()


def _sync_roles_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from curation.roles import sync_roles

    sync_roles(using=using)
