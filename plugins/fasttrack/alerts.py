"""Delivering recorded deadline warnings to the people who can act on them.

Who is warned:

- a stage due soon — moderation: the region's moderators; work: the message's executor
  and the coordinators of its organisation; answer approval: the same, and the
  organisation's heads, who approve;
- a message overdue: the region's curators.

Who holds a role is the permission layer's answer (`holders_by_place`: the role's group
and its grant), read for a whole batch at once.

Each (warning, person) pair is one outbox notification with its own deduplication key, so
delivering a batch again sends nothing twice. A warning no longer true when delivered
(the stage moved on, the message was answered) is marked delivered without an e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cms.models import Role
from cms.models.appeals import OPEN_STATUSES, RUNNING_STATUSES
from cms.notifications import notify
from cms.permissions.grants import holders_by_place

from .models import DeadlineWarning, Stage, WarningKind

ORGANISATION_ROLES = {
    Stage.WORK: (Role.COORDINATOR,),
    Stage.APPROVAL: (Role.COORDINATOR, Role.HEAD),
}
REGION_ROLES = {
    Stage.MODERATION: (Role.MODERATOR,),
}
OVERDUE_ROLES = (Role.CURATOR,)  # at the message's region
WARNED_ROLES = frozenset(
    role for roles in (*ORGANISATION_ROLES.values(), *REGION_ROLES.values(), OVERDUE_ROLES)
    for role in roles
)
# The plugin's own e-mails, in its template namespace (the outbox takes a path).
TEMPLATES = {
    WarningKind.DUE_SOON: "fasttrack/email/stage_due.txt",
    WarningKind.OVERDUE: "fasttrack/email/overdue.txt",
}


def enqueue_delivery(warning_ids: list[int], batch: int) -> None:
    """Deliver warnings in batches by the worker, once the current transaction commits."""
    from django_q.tasks import async_task

    for start in range(0, len(warning_ids), batch):
        chunk = warning_ids[start:start + batch]
        transaction.on_commit(
            lambda chunk=chunk: async_task("plugins.fasttrack.tasks.deliver_warnings_task",
                                           chunk, task_name=f"fasttrack-warnings-{chunk[0]}")
        )


def _still_true(warning: DeadlineWarning) -> bool:
    appeal = warning.appeal
    if warning.kind == WarningKind.OVERDUE:
        return appeal.is_overdue and appeal.status in OPEN_STATUSES
    clock = getattr(appeal, "fasttrack_clock", None)
    return (appeal.status in RUNNING_STATUSES and clock is not None
            and clock.stage == warning.stage)


def _holders(warnings: list[DeadlineWarning]) -> dict[tuple[int, str], list]:
    """Who holds the warned roles at the batch's organisations and regions: two queries
    for a batch."""
    return holders_by_place(
        WARNED_ROLES,
        region_ids={w.appeal.region_id for w in warnings},
        organisation_ids={w.appeal.organisation_id for w in warnings},
    )


def recipients(warning: DeadlineWarning, holders: dict[tuple[int, str], list]) -> list:
    appeal = warning.appeal
    people = []
    if warning.kind == WarningKind.OVERDUE:
        for role in OVERDUE_ROLES:
            people += holders.get((appeal.region_id, role), [])
    else:
        if warning.stage != Stage.MODERATION and appeal.executor is not None:
            people.append(appeal.executor)
        for role in ORGANISATION_ROLES.get(warning.stage, ()):
            people += holders.get((appeal.organisation_id, role), [])
        for role in REGION_ROLES.get(warning.stage, ()):
            people += holders.get((appeal.region_id, role), [])
    unique = {person.pk: person for person in people if person.email}
    return list(unique.values())


def _context(warning: DeadlineWarning) -> dict:
    appeal = warning.appeal
    if warning.kind == WarningKind.OVERDUE:
        due = appeal.deadline
    else:
        due = appeal.fasttrack_clock.due(warning.stage)
    local = timezone.localtime(due, appeal.region.tzinfo) if due else None
    return {
        "stage": warning.stage,
        "due": local.strftime("%d.%m.%Y %H:%M") if local else "",
        "time_zone": appeal.region.time_zone,
    }


def deliver_warnings(warning_ids: Iterable[int]) -> int:
    """Send the e-mails of recorded warnings; the number of notifications recorded."""
    warnings = list(
        DeadlineWarning.objects.filter(pk__in=list(warning_ids), delivered_at__isnull=True)
        .select_related("appeal__region", "appeal__executor", "appeal__fasttrack_clock")
    )
    if not warnings:
        return 0
    holders = _holders(warnings)
    sent = 0
    with transaction.atomic():
        for warning in warnings:
            if not _still_true(warning):
                continue
            context = _context(warning)
            for person in recipients(warning, holders):
                recorded = notify(
                    template=TEMPLATES[warning.kind], email=person.email, recipient=person,
                    appeal=warning.appeal, context=context,
                    dedup_key=f"fasttrack:{warning.pk}:{person.pk}",
                )
                sent += recorded is not None
        DeadlineWarning.objects.filter(pk__in=[w.pk for w in warnings]).update(
            delivered_at=timezone.now()
        )
    return sent
