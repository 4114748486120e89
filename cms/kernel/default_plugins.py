"""The core's own hook implementations: the answers given when no plugin answers.

Registered as the essential plugin "core", which a region cannot switch off. Each is
`trylast`, so any enabled plugin that answers wins.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import AddresseeChoice, DeadlineChoice, ScheduledTask
from cms.kernel.plugins import hookimpl
from cms.models import RegionWorkflowSettings
from cms.models.staff import NationalViewSettings
from cms.retention.models import RetentionSettings
from cms.staff_admin.core_queues import staff_queues  # noqa: F401
from cms.workflow.event_kinds import event_kinds  # noqa: F401


@hookimpl(trylast=True)
def choose_addressee(appeal):
    organisation = appeal.region.default_moderating_organisation
    if organisation is None:
        return None
    return AddresseeChoice(
        organisation=organisation,
        explanation=str(_("No routing rule matched: the region's moderating organisation.")),
        details={"rule": None, "fallback": True},
    )


def add_weekdays(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` weekdays (Saturdays and Sundays skipped)."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


# 59-FZ art. 12: the term may be extended by up to 30 more days.
LEGAL_EXTENSION = timedelta(days=30)


@hookimpl(trylast=True)
def postponement_limit(appeal, now):
    return (appeal.deadline or now) + LEGAL_EXTENSION


@hookimpl(trylast=True)
def appeal_deadline(appeal, start):
    return DeadlineChoice(
        due_at=add_weekdays(start.astimezone(appeal.region.tzinfo), appeal.subcategory.total_days),
        explanation=str(_("The subcategory's term, in weekdays.")),
    )


@hookimpl(trylast=True)
def deadline_after_pause(appeal, paused_at, resumed_at):
    return DeadlineChoice(
        due_at=appeal.deadline + (resumed_at - paused_at),
        is_fast_track=appeal.is_fast_track,
        explanation=str(_("The clock was paused while the citizen was asked.")),
    )


@hookimpl
def scheduled_tasks():
    return [
        ScheduledTask("expire unanswered questions",
                      "cms.workflow.tasks.expire_clarifications_task", minutes=15),
        ScheduledTask("resume postponed messages",
                      "cms.workflow.tasks.resume_postponed_task", minutes=15),
        ScheduledTask("retry pending notifications",
                      "cms.notifications.tasks.retry_pending_notifications_task",
                      minutes=10),
        ScheduledTask("release stale notification claims",
                      "cms.notifications.tasks.release_stale_claims_task", minutes=1),
        ScheduledTask("sweep held uploads",
                      "cms.submission.held_uploads.sweep_held_uploads_task", minutes=60),
        ScheduledTask("sweep rate limit counters",
                      "cms.submission.ratelimit.sweep_rate_counters_task", minutes=60),
        # 152-FZ: contact data past the region's retention period (daily).
        ScheduledTask("anonymise personal data",
                      "cms.retention.tasks.anonymise_personal_data_task", minutes=24 * 60),
    ]


@hookimpl
def region_settings_models():
    return [RegionWorkflowSettings, NationalViewSettings, RetentionSettings]


@hookimpl(trylast=True)
def region_working_days(region, since, until):
    days = (since + timedelta(days=offset) for offset in range((until - since).days + 1))
    return [day for day in days if day.weekday() < 5]
