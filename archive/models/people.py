"""The people and bodies behind a translation: translators and funders."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.uploads import validate_image_upload

from .base import Authority, reencode_new_image


class Translator(Authority):
    name = models.CharField(_("name"), max_length=255, unique=True)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    biography = models.TextField(_("short biography"), blank=True)
    working_languages = models.ManyToManyField(
        "archive.Language", verbose_name=_("working languages"), blank=True
    )
    url = models.URLField(_("website"), blank=True)

    class Meta(Authority.Meta):
        verbose_name = _("translator")
        verbose_name_plural = _("translators")

    def get_absolute_url(self) -> str:
        return reverse("archive:translator_detail", kwargs={"slug": self.slug})


class Funder(Authority):
    name = models.CharField(_("name"), max_length=255, unique=True)
    credit_line = models.CharField(
        _("credit line"),
        max_length=500,
        blank=True,
        help_text=_(
            'Shown on each document it funded, e.g. "This document was made possible '
            'with support from Henry Luce Foundation". Left blank, it is made from the name.'
        ),
    )
    url = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="funders/", blank=True, validators=[validate_image_upload]
    )

    class Meta(Authority.Meta):
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def get_absolute_url(self) -> str:
        return reverse("archive:funder_detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.credit_line:
            self.credit_line = f"This document was made possible with support from {self.name}"
        reencode_new_image(self.logo, max_side=800)
        super().save(*args, **kwargs)
