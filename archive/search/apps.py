from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search index, an app of its own so the archive's models need not know it.

    Its model (``SearchEntry``) keeps the archive's label and migrations; Django imports
    it from here. The index follows every change through signals connected below.
    """

    name = "archive.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from archive.search import signals

        signals.connect()
