"""What the rating plugin keeps: a region's rating settings, one rating per answer, and
the curators' review of a low rating.

The message itself is the core's: the plugin asks the core's write paths to reopen or
close it and to record its events (`rating_given`, `rating_changed`, ...) in its history.
"""

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from cms.models.region_settings import RegionSettings, region_link

MIN_SCORE, MAX_SCORE = 1, 5
COMMENT_MAX_LENGTH = 2000


class RatingSettings(RegionSettings):
    """A region's rating rules. A region without a row uses the defaults."""

    region = region_link("rating_settings")
    low_threshold = models.PositiveSmallIntegerField(
        _("low score threshold"), default=2,
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE - 1)],
        help_text=_("A score at or below it asks whether the problem was solved and "
                    "goes to the curators' review."),
    )
    link_lifetime_days = models.PositiveSmallIntegerField(
        _("rating link valid for, days"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    change_window_days = models.PositiveSmallIntegerField(
        _("days to change a rating"), default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("After the first rating, the citizen may change it for this many days."),
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("days to wait for a rating before closing"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("An answered message with no rating is closed after this many days."),
    )
    email_text = models.TextField(
        _("text of the rating invitation in the e-mail"), blank=True,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Leave empty for the standard text."),
    )
    page_text = models.TextField(
        _("text on the rating page"), blank=True, validators=[MaxLengthValidator(1000)],
        help_text=_("Leave empty for the standard text."),
    )

    class Meta:
        verbose_name = _("rating settings")
        verbose_name_plural = _("rating settings")

    panels = [
        FieldPanel("low_threshold"),
        FieldPanel("link_lifetime_days"),
        FieldPanel("change_window_days"),
        FieldPanel("close_after_days"),
        FieldPanel("email_text"),
        FieldPanel("page_text"),
    ]


class Solved(models.TextChoices):
    YES = "yes", _("Yes, solved")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No, not solved")


class Rating(models.Model):
    """The citizen's score of one published answer (one per answer; changed in place,
    every change recorded in the message's history)."""

    appeal = models.ForeignKey("cms.Appeal", verbose_name=_("message"),
                               on_delete=models.PROTECT, related_name="ratings")
    answer = models.OneToOneField("cms.Answer", verbose_name=_("answer"),
                                  on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)])
    solved = models.CharField(_("problem solved"), max_length=8, choices=Solved.choices,
                              blank=True)
    comment = models.TextField(_("comment"), blank=True,
                               validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)])
    is_low = models.BooleanField(_("low score"), default=False)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changes = models.PositiveSmallIntegerField(_("times changed"), default=0)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE),
                                   name="rating_score_1_to_5"),
        ]
        indexes = [models.Index(fields=["appeal", "created_at"], name="rating_appeal")]

    def __str__(self) -> str:
        return f"{self.appeal} — {self.score}"


class ReviewOutcome(models.TextChoices):
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Review closed")


class LowRatingReview(models.Model):
    """A low rating waiting for a curator: open until they reopen the message or close
    the review with a comment."""

    appeal = models.ForeignKey("cms.Appeal", verbose_name=_("message"),
                               on_delete=models.PROTECT, related_name="rating_reviews")
    rating = models.ForeignKey(Rating, verbose_name=_("rating"), on_delete=models.PROTECT,
                               related_name="reviews")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices,
                               blank=True)
    comment = models.TextField(_("curator's comment"), blank=True)

    class Meta:
        verbose_name = _("low rating review")
        verbose_name_plural = _("low rating reviews")
        constraints = [
            # One open review per rating: a rating changed while under review stays one.
            models.UniqueConstraint(fields=["rating"], condition=Q(closed_at__isnull=True),
                                    name="rating_one_open_review"),
        ]
        indexes = [
            models.Index(fields=["appeal"], name="rating_review_open",
                         condition=Q(closed_at__isnull=True)),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
