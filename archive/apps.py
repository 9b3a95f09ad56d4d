from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from archive import checks, listing_signals, pagecache, staleness  # noqa: F401 (checks registers)
        from archive.iiif import signals as iiif_signals
        from archive.oai import signals as oai_signals

        oai_signals.connect()
        listing_signals.connect()
        iiif_signals.connect()
        pagecache.connect()
        staleness.connect()
