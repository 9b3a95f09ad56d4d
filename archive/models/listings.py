"""What the browse pages list and count, kept beside the records (archive/listings.py).

A *listing* is one published document under one name it is filed under: a collection, a
topic, a funder, a translator of its approved text, its repository, its declassifying
authority, a place and every place that place is inside, or the year it begins in. The
pages of a name read its listings in date order off one index (a page costs the same at
10k or 1M documents) and its count from `ListingCount`, never a COUNT over the archive.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingKind(models.IntegerChoices):
    COLLECTION = 1, _("collection")
    PLACE = 2, _("place")
    TOPIC = 3, _("topic")
    FUNDER = 4, _("funder")
    TRANSLATOR = 5, _("translator")
    REPOSITORY = 6, _("repository")
    DECLASSIFIER = 7, _("declassifying authority")
    YEAR = 8, _("year")


class Listing(models.Model):
    kind = models.PositiveSmallIntegerField(choices=ListingKind)
    # The collection's, topic's … id, or the year.
    key = models.IntegerField()
    # No cascade: deleting a document drops its listings through archive/listings.py,
    # which counts them out first.
    document = models.ForeignKey(
        "archive.Document", on_delete=models.DO_NOTHING, related_name="listings"
    )
    # The document's sort key, copied so that a page of a name is one index range.
    date_earliest = models.DateField(null=True)
    record_id = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "key"], name="listing_one_per_document"
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "key", "date_earliest", "record_id", "document"],
                name="listing_by_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: document {self.document_id}"


class ListingCount(models.Model):
    """How many published documents a name lists, and when that list last changed."""

    kind = models.PositiveSmallIntegerField(choices=ListingKind)
    key = models.IntegerField()
    # Signed: a change adds its difference in one upsert, which checks the row it proposes.
    count = models.IntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="listing_count_per_name"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: {self.count}"
