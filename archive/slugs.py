from django.db import models
from django.utils.text import slugify


def unique_slug(
    instance: models.Model, source: str, *, field: str = "slug", max_length: int = 80
) -> str:
    """A slug for `source` that no other row of the instance's model uses.

    Names in other scripts (Chinese, Russian) slugify to nothing in ASCII, so
    those fall back to the model name; a numeric suffix keeps slugs unique.
    """
    base = slugify(source)[:max_length].strip("-") or instance._meta.model_name
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate
