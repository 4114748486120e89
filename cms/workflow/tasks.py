"""The workflow's scheduled sweeps (declared by the core's `scheduled_tasks` hook, in
`cms.kernel.default_plugins`, and synced to django-q2 schedules by `migrate`).

Each sweep finds what is due with one indexed query and hands every message to the same
write path a person would use, one transaction per message: a message that changed in
the meantime is refused by the workflow and skipped, never half-written.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from cms.models import Appeal, Clarification, Status

from .actions import do_expire_clarification, do_resume_appeal
from .errors import WorkflowError

logger = logging.getLogger(__name__)


def _run_each(pks, write_path) -> int:
    done = 0
    for pk in pks:
        try:
            write_path(pk)
        except WorkflowError as error:
            logger.info("Sweep skipped message %s: %s", pk, error)
            continue
        done += 1
    return done


def expire_clarifications_task() -> int:
    """Reject the messages whose clarifying question went unanswered past its term."""
    due = (Clarification.objects
           .filter(answered_at__isnull=True, expired_at__isnull=True,
                   due_at__lte=timezone.now(), appeal__status=Status.WAITING_FOR_CITIZEN)
           .values_list("appeal_id", flat=True).distinct())
    return _run_each(list(due), do_expire_clarification)


def resume_postponed_task() -> int:
    """Return to work the postponed messages whose date has come."""
    due = (Appeal.objects
           .filter(status=Status.POSTPONED, postponed_until__lte=timezone.now())
           .values_list("pk", flat=True))
    return _run_each(list(due), do_resume_appeal)
