"""Hook implementations of the fasttrack plugin (see cms/kernel/hookspecs.py for the contracts)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import DeadlineChoice, PagePanel, ScheduledTask
from cms.kernel.plugins import hookimpl

from .clock import on_appeal_event, recount_after_pause
from .deadlines import plan_and_remember, region_calendar
from .models import AppealClock, FastTrackSettings, settings_for
from .panels import stage_rows
from .regionconfig import FastTracksFile


@hookimpl
def appeal_deadline(appeal, start: datetime) -> DeadlineChoice:
    plan = plan_and_remember(appeal, start)
    return DeadlineChoice(due_at=plan.due_at, is_fast_track=plan.fast_track is not None,
                          explanation=plan.explanation)


@hookimpl
def appeal_transitioned(appeal, event) -> None:
    on_appeal_event(appeal, event)


@hookimpl
def deadline_after_pause(appeal, resumed_at: datetime) -> DeadlineChoice | None:
    return recount_after_pause(appeal, resumed_at)


@hookimpl
def scheduled_tasks() -> list[ScheduledTask]:
    return [ScheduledTask("fasttrack deadline sweep",
                          "plugins.fasttrack.tasks.sweep_deadlines_task", minutes=5)]


@hookimpl
def postponement_limit(appeal, now: datetime) -> datetime:
    """The end of the day `postponement_cap_days` after the deadline without postponements
    (in the region's zone), so that postponing twice cannot pass the cap."""
    cap = settings_for(appeal.region).postponement_cap_days
    clock = AppealClock.objects.filter(appeal_id=appeal.pk).first() if appeal.pk else None
    base = clock.regular_deadline if clock else (appeal.deadline or now)
    tz = appeal.region.tzinfo
    last_day = base.astimezone(tz).date() + timedelta(days=cap)
    return datetime.combine(last_day, time.max, tzinfo=tz)


@hookimpl
def region_working_days(region, since, until) -> list:
    """The region's production calendar (national days, its amendments) for the reports."""
    calendar = region_calendar(region)
    days = (since + timedelta(days=offset) for offset in range((until - since).days + 1))
    return [day for day in days if calendar.is_working_day(day)]


@hookimpl
def appeal_admin_panels(appeal, request) -> list[PagePanel]:
    return [PagePanel(title=str(_("Deadline stages")), template="fasttrack/stages_panel.html",
                      context=stage_rows(appeal), order=20)]


@hookimpl
def region_config_files():
    return [FastTracksFile()]


@hookimpl
def region_settings_models():
    return [FastTrackSettings]


@hookimpl
def region_readiness_checks(region):
    from .readiness import fasttrack_readiness

    return fasttrack_readiness(region)
