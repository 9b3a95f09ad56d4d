from django.db import models
from django.utils.translation import gettext_lazy as _

from archive.slugs import unique_slug


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Authority(models.Model):
    """A controlled name (place, topic, person, repository …) records point to.

    Subclasses declare `name` with their own uniqueness; the slug is filled in
    from the name when left blank, so archivists never have to type one.
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    # What the admin's concurrency guard compares: a save from a stale form is refused.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


def reencode_new_image(field_file, *, max_side: int | None = None) -> None:
    """Replace a just-uploaded image with a clean re-encoding of it.

    Re-encoding drops metadata and anything smuggled after the image data. Files
    already in storage (`_committed`) are left alone so re-saving a record does
    not re-encode it again.
    """
    from archive.uploads import reencode_image

    if field_file and not getattr(field_file, "_committed", True):
        clean = reencode_image(field_file.file, max_side=max_side)
        field_file.save(clean.name, clean, save=False)
