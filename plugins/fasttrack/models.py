"""The fast-track plugin's data: region settings, fast tracks, calendar amendments, and each
message's stage clock with the deadline warnings already sent."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from cms.models.region_settings import RegionSettings, region_link

from .calendar import DEFAULT_DAY_END, DEFAULT_DAY_START
from .planning import DAYS, HOURS

# 59-FZ art. 12: the term may be extended by up to 30 more days.
LEGAL_POSTPONEMENT_DAYS = 30
DEFAULT_WARNING_LEAD_HOURS = 24
MAX_TERM_DAYS = 30
MAX_TERM_HOURS = 240


class FastTrackSettings(RegionSettings):
    """A region's deadline settings. A region without a row uses the defaults."""

    region = region_link("fasttrack_settings")
    postponement_cap_days = models.PositiveSmallIntegerField(
        _("postponement limit, days"), default=LEGAL_POSTPONEMENT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(LEGAL_POSTPONEMENT_DAYS)],
        help_text=_("How many days past the deadline set at registration a postponement "
                    "may move it (the law allows up to 30)."),
    )
    warning_lead_hours = models.PositiveSmallIntegerField(
        _("warn before a stage is due, hours"), default=DEFAULT_WARNING_LEAD_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    workday_start = models.TimeField(_("working day starts"), default=DEFAULT_DAY_START)
    workday_end = models.TimeField(_("working day ends"), default=DEFAULT_DAY_END)

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")
        constraints = [
            models.CheckConstraint(condition=Q(workday_start__lt=models.F("workday_end")),
                                   name="fasttrack_workday_ends_after_start"),
        ]

    panels = [
        FieldPanel("postponement_cap_days"),
        FieldPanel("warning_lead_hours"),
        FieldRowPanel([FieldPanel("workday_start"), FieldPanel("workday_end")]),
    ]

    def clean(self):
        if self.workday_start and self.workday_end and self.workday_start >= self.workday_end:
            raise ValidationError({"workday_end": _("The working day must end after it starts.")})

    @property
    def warning_lead(self) -> timedelta:
        return timedelta(hours=self.warning_lead_hours)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or "warning_lead_hours" in fields:
            # Warnings not sent yet follow the new lead time.
            AppealClock.reschedule_warnings(self.region_id, self.warning_lead)


def settings_for(region) -> FastTrackSettings:
    """The region's settings row, or an unsaved one with the defaults."""
    return FastTrackSettings.for_region(region)


class TermUnit(models.TextChoices):
    HOURS = HOURS, _("working hours")
    DAYS = DAYS, _("working days")


class FastTrack(models.Model):
    """A region's shorter term for a category or one subcategory.

    A fast track for a subcategory wins over one for its category.
    """

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="fast_tracks",
    )
    category = models.ForeignKey(
        "cms.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Every subcategory of it, unless one has its own fast track."),
    )
    subcategory = models.ForeignKey(
        "cms.Subcategory", verbose_name=_("subcategory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    term = models.PositiveSmallIntegerField(_("term"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=8, choices=TermUnit.choices,
                            default=TermUnit.DAYS)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("fast track")
        verbose_name_plural = _("fast tracks")
        ordering = ["region", "category__code", "subcategory__code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(category__isnull=False, subcategory__isnull=True)
                           | Q(category__isnull=True, subcategory__isnull=False)),
                name="fasttrack_category_xor_subcategory",
            ),
            models.CheckConstraint(condition=Q(term__gte=1), name="fasttrack_term_positive"),
            models.UniqueConstraint(fields=["region", "category"],
                                    condition=Q(category__isnull=False),
                                    name="fasttrack_one_per_region_category"),
            models.UniqueConstraint(fields=["region", "subcategory"],
                                    condition=Q(subcategory__isnull=False),
                                    name="fasttrack_one_per_region_subcategory"),
        ]

    def __str__(self) -> str:
        subject = self.subcategory or self.category
        return f"{subject}: {self.term_display()}"

    def term_display(self) -> str:
        """The term with its unit in the right plural form ("2 рабочих дня")."""
        if self.unit == TermUnit.HOURS:
            return ngettext("%(count)d working hour", "%(count)d working hours",
                            self.term) % {"count": self.term}
        return ngettext("%(count)d working day", "%(count)d working days",
                        self.term) % {"count": self.term}

    @property
    def subject_code(self) -> str:
        return self.subcategory.code if self.subcategory_id else self.category.code

    def clean(self):
        if bool(self.category_id) == bool(self.subcategory_id):
            raise ValidationError(_("Choose either a category or a subcategory."))
        limit = MAX_TERM_DAYS if self.unit == TermUnit.DAYS else MAX_TERM_HOURS
        if self.term and self.term > limit:
            raise ValidationError(
                {"term": _("At most %(limit)s in these units.") % {"limit": limit}}
            )


class CalendarAmendment(models.Model):
    """A region's change to the national production calendar on one date."""

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="calendar_amendments",
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(
        _("working day"), default=False,
        help_text=_("Off: a regional holiday or a declared day off. "
                    "On: a working day the national calendar has off."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar amendment")
        verbose_name_plural = _("calendar amendments")
        ordering = ["region", "date"]
        constraints = [
            models.UniqueConstraint(fields=["region", "date"],
                                    name="fasttrack_one_amendment_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.note or self.get_kind_display()}"

    def get_kind_display(self) -> str:
        return str(_("working day") if self.is_working_day else _("day off"))


class Stage(models.TextChoices):
    MODERATION = "moderation", _("moderation")
    WORK = "work", _("work")
    APPROVAL = "approval", _("answer approval")


class AppealClock(models.Model):
    """A message's stage due times, its current stage and its paused time.

    Created when the message is registered; moved by the workflow's events (see
    `plugins.fasttrack.clock`). `warn_at` is when the next "stage due soon" warning is due;
    it is cleared once that warning is recorded, and while the clock is paused.
    """

    appeal = models.OneToOneField(
        "cms.Appeal", verbose_name=_("message"), on_delete=models.CASCADE,
        primary_key=True, related_name="fasttrack_clock",
    )
    started_at = models.DateTimeField(_("clock started"))
    # The deadline without postponements: set at registration, moved only by pauses.
    # A postponement's limit counts from it, so postponing twice cannot pass the law's cap.
    regular_deadline = models.DateTimeField(_("deadline without postponements"))
    moderation_due = models.DateTimeField(_("moderation due"))
    work_due = models.DateTimeField(_("work due"))
    approval_due = models.DateTimeField(_("answer approval due"))
    moderation_done_at = models.DateTimeField(_("moderation done"), null=True, blank=True)
    work_done_at = models.DateTimeField(_("work done"), null=True, blank=True)
    approval_done_at = models.DateTimeField(_("answer approval done"), null=True, blank=True)
    stage = models.CharField(_("current stage"), max_length=16, choices=Stage.choices,
                             blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    # Never warn in the first half of a stage: a short stage warns halfway, not at once.
    warn_floor = models.DateTimeField(_("warn not before"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("working time paused"), default=timedelta)

    class Meta:
        verbose_name = _("message clock")
        verbose_name_plural = _("message clocks")
        indexes = [
            # The warning sweep reads only clocks with a warning still to come.
            models.Index(fields=["warn_at"], condition=Q(warn_at__isnull=False),
                         name="fasttrack_clock_warn_at"),
        ]

    def due(self, stage: str):
        return getattr(self, f"{stage}_due")

    @property
    def paused_total_hours(self) -> float:
        return round(self.paused_total.total_seconds() / 3600, 1)

    @classmethod
    def reschedule_warnings(cls, region_id: int, lead: timedelta) -> int:
        """Recompute pending warning times of a region's clocks after the lead changed."""
        lead_before_due = models.Case(
            *[models.When(stage=stage, then=models.F(f"{stage}_due") - lead)
              for stage in Stage.values],
            output_field=models.DateTimeField(),
        )
        return cls.objects.filter(
            appeal__region_id=region_id, warn_at__isnull=False, warn_floor__isnull=False,
        ).exclude(stage="").update(warn_at=Greatest(lead_before_due, models.F("warn_floor")))


class WarningKind(models.TextChoices):
    DUE_SOON = "due_soon", _("stage due soon")
    OVERDUE = "overdue", _("message overdue")


# The stage recorded for an overdue warning: the message as a whole.
WHOLE_MESSAGE = "deadline"


class DeadlineWarning(models.Model):
    """A warning recorded once per message, stage and kind, then delivered by e-mail.

    The unique constraint is what makes the sweeps idempotent: they insert set-based and
    skip conflicts, and only the rows they inserted are delivered.
    """

    appeal = models.ForeignKey("cms.Appeal", verbose_name=_("message"),
                               on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16, choices=WarningKind.choices)
    created_at = models.DateTimeField(_("recorded at"))
    # Handed to a delivery task at; claimed again only if that task seems lost.
    enqueued_at = models.DateTimeField(_("queued for delivery at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline warning")
        verbose_name_plural = _("deadline warnings")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "stage", "kind"],
                                    name="fasttrack_one_warning_per_stage_kind"),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(delivered_at__isnull=True),
                         name="fasttrack_warning_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.stage} {self.kind}"
