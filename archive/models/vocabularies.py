"""Authorities: the controlled vocabularies documents are described with."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.richtext import RichTextField

from .base import Authority, HasVariantNames


class Language(models.Model):
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("ISO 639 code: ISO 639-1 where one exists (zh, ru, vi, en), else ISO 639-3."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class Classification(Authority):
    name = models.CharField(_("name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Orders levels from least to most restricted.")
    )

    class Meta(Authority.Meta):
        ordering = ["rank", "name"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")


class DocumentType(Authority):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta(Authority.Meta):
        verbose_name = _("document type")
        verbose_name_plural = _("document types")


class RightsStatement(Authority):
    name = models.CharField(_("title"), max_length=200, unique=True)
    text = RichTextField(_("statement"), blank=True)
    url = models.URLField(_("URL"), blank=True, help_text=_("e.g. a rightsstatements.org URI."))

    class Meta(Authority.Meta):
        verbose_name = _("rights statement")
        verbose_name_plural = _("rights statements")


class Topic(Authority):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Authority.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self) -> str:
        return reverse("archive:topic_detail", kwargs={"slug": self.slug})


class Place(HasVariantNames, Authority):
    """A place, inside another (a city inside a country).

    `tree_path` ("/3/17/") is maintained on save so "documents of places inside
    this one" is a single indexed prefix query rather than a recursive walk.
    """

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    tree_path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta(Authority.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["name", "parent"], name="place_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="place_unique_top_level_name",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("archive:place_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # The parent's path lists all its ancestors, so this catches any cycle.
        if self.pk and self.parent_id and f"/{self.pk}/" in self.parent.tree_path:
            raise ValidationError({"parent": _("A place cannot be inside itself.")})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._update_tree_path()

    def _update_tree_path(self) -> None:
        parent_path = self.parent.tree_path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        old_path = self.tree_path
        if new_path == old_path:
            return
        Place.objects.filter(pk=self.pk).update(tree_path=new_path)
        if old_path:
            # Re-root every descendant under the new path in one statement.
            Place.objects.filter(tree_path__startswith=old_path).exclude(pk=self.pk).update(
                tree_path=Concat(models.Value(new_path), Substr("tree_path", len(old_path) + 1))
            )
        self.tree_path = new_path

    def with_descendants(self) -> models.QuerySet["Place"]:
        return Place.objects.filter(tree_path__startswith=self.tree_path)


class Agent(HasVariantNames, Authority):
    """A person or organization that created or received documents."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organization")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PERSON)
    description = models.TextField(_("description"), blank=True)

    class Meta(Authority.Meta):
        verbose_name = _("person or organization")
        verbose_name_plural = _("people and organizations")


class Repository(HasVariantNames, Authority):
    """An archive holding originals ("PRC Foreign Ministry Archive")."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Authority.Meta):
        verbose_name = _("repository")
        verbose_name_plural = _("repositories")

    def get_absolute_url(self) -> str:
        return reverse("archive:repository_detail", kwargs={"slug": self.slug})


class DeclassifyingAuthority(Authority):
    """A body that reviewed and released records ("US Department of State", "PRC Foreign
    Ministry"): the declassification a document's provenance records."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Authority.Meta):
        verbose_name = _("declassifying authority")
        verbose_name_plural = _("declassifying authorities")

    def get_absolute_url(self) -> str:
        return reverse("archive:declassifier_detail", kwargs={"slug": self.slug})
