"""System checks of the archive's settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[Warning]:
    """Outside development the cache must be shared: with local memory each gunicorn worker
    keeps its own, and a change made through one never reaches the pages cached by another
    (archive/pagecache.py)."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY:
        return []
    return [
        Warning(
            "The cache is local memory: each process keeps its own, so pages cached by one "
            "web worker stay stale after a change made through another.",
            hint="Set REDIS_URL to a Redis every web server and worker shares "
            "(docs/deployment.md).",
            id="archive.W001",
        )
    ]
