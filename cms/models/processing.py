"""What the processing workflow keeps beside the message: per-region settings, the
rejection reasons, clarifying questions, answers and postponements.

Rows here are written only by the workflow's write paths (`cms.workflow.actions`); the
message's status, deadline and history stay on Appeal and AppealEvent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from .region_settings import RegionSettings, region_link

# 59-FZ does not fix the term; the Moscow region's practice (domain facts) is 3 days.
DEFAULT_CLARIFICATION_DAYS = 3


class RegionWorkflowSettings(RegionSettings):
    """A region's workflow terms. A region without a row uses the defaults."""

    region = region_link("workflow_settings")
    clarification_days = models.PositiveSmallIntegerField(
        _("days to answer a clarifying question"), default=DEFAULT_CLARIFICATION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Calendar days; without an answer the message is rejected."),
    )

    class Meta:
        verbose_name = _("workflow settings")
        verbose_name_plural = _("workflow settings")


# The built-in reasons a region cannot retire (by code): the one-click rejection as a
# duplicate of another message finds its reason by this code.
UNRETIRABLE_REASONS = frozenset({"duplicate"})


class RejectionReason(models.Model):
    """One entry of a region's list of reasons to reject a message.

    Every region starts with the built-in reasons as rows (`code` set, see
    `cms.workflow.reasons.seed_rejection_reasons`); its editors reword them, retire them
    (`is_active`: no longer offered, while rejected messages keep the text they were given)
    and add their own (no `code`). The duplicate reason cannot be retired: the rejection
    as a duplicate of another message finds it by its code.
    """

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="rejection_reasons",
    )
    code = models.SlugField(
        _("built-in reason"), max_length=50, blank=True, editable=False,
        help_text=_("Set on the built-in reasons; empty on the region's own."),
    )
    title = models.CharField(_("reason"), max_length=255)
    needs_reference = models.BooleanField(
        _("asks for a message number"), default=False,
        help_text=_("For example: a duplicate of another message."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("in use"), default=True,
        help_text=_("A retired reason is no longer offered; rejected messages keep it."),
    )

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["region", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], condition=~Q(code=""),
                name="rejection_reason_builtin_once_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        """What a moderator's choice and the rejection event (`data.reason_key`) name it
        by: a built-in reason's code (as before reasons were rows), else the row."""
        return self.code or f"region:{self.pk}"

    def clean(self):
        if self.code in UNRETIRABLE_REASONS and not self.is_active:
            raise ValidationError(
                {"is_active": _("This reason stays in use: rejecting a message as a "
                                "duplicate of another relies on it.")})


def seed_reasons_of_a_new_region(sender, instance, created, raw=False, **kwargs):
    """A new region (the admin, `load_region`, a test's factory) starts with the
    built-in reasons; regions that existed before got them from a data migration."""
    if created and not raw:
        from cms.workflow.reasons import seed_rejection_reasons

        seed_rejection_reasons(instance)


post_save.connect(seed_reasons_of_a_new_region, sender="cms.Region",
                  dispatch_uid="pos-seed-rejection-reasons")


class Clarification(models.Model):
    """A moderator's clarifying question to the citizen and the citizen's answer."""

    appeal = models.ForeignKey(
        "cms.Appeal", verbose_name=_("message"), on_delete=models.PROTECT,
        related_name="clarifications",
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"))
    due_at = models.DateTimeField(_("answer due by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set when the sweep rejected the message for want of an answer.
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clarifying question")
        verbose_name_plural = _("clarifying questions")
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"], name="clarification_open_due",
                condition=Q(answered_at__isnull=True, expired_at__isnull=True),
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None


class Decision(models.Model):
    """A draft an executor sends to the head, and the head's decision on it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    remarks = models.TextField(_("head's remarks"), blank=True)

    class Meta:
        abstract = True
        ordering = ["submitted_at", "pk"]

    @property
    def is_pending(self) -> bool:
        return self.decided_at is None


class Answer(Decision):
    """The answer to a message: drafted by the executor, published when the head approves.

    The citizen sees `appeal.answers.filter(is_published=True)` and the files
    `answer.files.all()` (Attachment rows of kind "answer").
    """

    appeal = models.ForeignKey(
        "cms.Appeal", verbose_name=_("message"), on_delete=models.PROTECT,
        related_name="answers",
    )
    text = models.TextField(_("answer"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta(Decision.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["appeal", "is_published"], name="answer_published")]

    def __str__(self) -> str:
        return f"{self.appeal} — {self.submitted_at:%Y-%m-%d}"


class Postponement(Decision):
    """A proposal to postpone the solution to a new date, with the reasons."""

    appeal = models.ForeignKey(
        "cms.Appeal", verbose_name=_("message"), on_delete=models.PROTECT,
        related_name="postponements",
    )
    reasons = models.TextField(_("reasons"))
    until = models.DateTimeField(_("postponed until"))
    is_approved = models.BooleanField(_("approved"), default=False)

    class Meta(Decision.Meta):
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")

    def __str__(self) -> str:
        return f"{self.appeal} → {self.until:%Y-%m-%d}"
