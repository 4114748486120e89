"""What the processing workflow keeps beside the message: per-region settings, the
rejection reasons, clarifying questions, answers and postponements.

Rows here are written only by the workflow's write paths (`cms.workflow.actions`); the
message's status, deadline and history stay on Appeal and AppealEvent.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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


class RejectionReason(models.Model):
    """One entry of a region's list of reasons to reject a message.

    A region without entries uses the built-in list (`cms.workflow.reasons`).
    """

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="rejection_reasons",
    )
    title = models.CharField(_("reason"), max_length=255)
    needs_reference = models.BooleanField(
        _("asks for a message number"), default=False,
        help_text=_("For example: a duplicate of another message."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["region", "position", "pk"]

    def __str__(self) -> str:
        return self.title


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
