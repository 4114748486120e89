"""A region's calendar and a message's deadline plan, read from the database.

The arithmetic is in `calendar` and `planning` (pure); this module only gathers what they
need: the region's settings and amendments, and the fast track that applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.submission.region_cache import region_cached

from .calendar import WorkingCalendar
from .models import (
    CalendarAmendment,
    FastTrack,
    FastTrackSettings,
    TermUnit,
    settings_for,
)
from .planning import StagePlan, Term, plan_stages


def region_calendar(region, settings: FastTrackSettings | None = None) -> WorkingCalendar:
    """The region's working time: national calendar, its amendments, hours and zone."""
    settings = settings or settings_for(region)
    days_off, working_days = set(), set()
    for day, is_working in CalendarAmendment.objects.filter(region=region).values_list(
        "date", "is_working_day"
    ):
        (working_days if is_working else days_off).add(day)
    return WorkingCalendar(
        tz=region.tzinfo,
        day_start=settings.workday_start,
        day_end=settings.workday_end,
        extra_days_off=frozenset(days_off),
        extra_working_days=frozenset(working_days),
    )


def _per_message(appeal, name: str, key, compute):
    """`compute()` once per message object while `key` holds: a write path calls the
    plugin for every event it writes (registration: four), all with the same `appeal`
    object, and the region's rules do not change in between."""
    memo = appeal.__dict__.get(name)
    if memo is None or memo[0] != key:
        memo = (key, compute())
        appeal.__dict__[name] = memo
    return memo[1]


def region_time(appeal) -> tuple[FastTrackSettings, WorkingCalendar]:
    """The settings and calendar of the message's region (kept per region version:
    `region_cache`; this plugin's models bump it, see `invalidation`)."""

    def read():
        region = appeal.region
        # The zone is in the name: a region object edited in memory counts in its own.
        return region_cached(region, f"fasttrack:region_time:{region.time_zone}",
                             lambda: _read_region_time(region))

    return _per_message(appeal, "_fasttrack_region_time", appeal.region_id, read)


def _read_region_time(region) -> tuple[FastTrackSettings, WorkingCalendar]:
    settings = settings_for(region)
    return settings, region_calendar(region, settings)


def fast_track_of(appeal) -> FastTrack | None:
    """`fast_track_for` the message's subcategory (a new subcategory reads it again)."""
    return _per_message(
        appeal, "_fasttrack_track", (appeal.region_id, appeal.subcategory_id),
        lambda: fast_track_for(appeal.region, appeal.subcategory),
    )


def active_fast_tracks(region) -> dict[tuple[str, int], FastTrack]:
    """The region's active fast tracks by ("subcategory", id) and ("category", id)."""
    tracks = FastTrack.objects.filter(region=region, is_active=True).select_related(
        "category", "subcategory")
    found = {}
    for track in tracks:
        if track.subcategory_id is not None:
            found["subcategory", track.subcategory_id] = track
        elif track.category_id is not None:
            found["category", track.category_id] = track
    return found


def fast_track_for(region, subcategory) -> FastTrack | None:
    """The active fast track for a subcategory: its own, else its category's."""
    tracks = region_cached(region, "fasttrack:tracks", lambda: active_fast_tracks(region))
    return (tracks.get(("subcategory", subcategory.pk))
            or tracks.get(("category", subcategory.category_id)))


@dataclass(frozen=True)
class DeadlinePlan:
    stages: StagePlan
    fast_track: FastTrack | None
    explanation: str

    @property
    def due_at(self) -> datetime:
        return self.stages.due_at


def stage_days(subcategory) -> tuple[int, int, int]:
    return (subcategory.moderation_days, subcategory.work_days, subcategory.approval_days)


def plan_deadline(appeal, start: datetime, calendar: WorkingCalendar | None = None
                  ) -> DeadlinePlan:
    """The stage due times of `appeal` if its clock starts at `start`."""
    calendar = calendar or region_time(appeal)[1]
    track = fast_track_of(appeal)
    term = Term(track.term, track.unit) if track else None
    stages = plan_stages(calendar, start, stage_days(appeal.subcategory), term)
    return DeadlinePlan(stages=stages, fast_track=track, explanation=explain(appeal, track))


# The plan a message's deadline came from (`appeal_deadline`), kept on the message
# object: the clock its REGISTERED event starts (`clock.start_clock`) takes its stages
# from it, instead of walking the calendar again.
DEADLINE_PLAN = "_fasttrack_deadline_plan"


def plan_and_remember(appeal, start: datetime) -> DeadlinePlan:
    """`plan_deadline` from `start`, remembered on `appeal` (`remembered_plan`)."""
    plan = plan_deadline(appeal, start)
    appeal.__dict__[DEADLINE_PLAN] = (appeal.subcategory_id, plan)
    return plan


def remembered_plan(appeal) -> DeadlinePlan | None:
    """The plan `plan_and_remember` made for this message object and subcategory."""
    held = appeal.__dict__.get(DEADLINE_PLAN)
    if held is None or held[0] != appeal.subcategory_id:
        return None
    return held[1]


def explain(appeal, track: FastTrack | None) -> str:
    if track is None:
        total = appeal.subcategory.total_days
        return ngettext(
            "The subcategory's term: %(count)d working day on the production calendar.",
            "The subcategory's term: %(count)d working days on the production calendar.",
            total,
        ) % {"count": total}
    if track.unit == TermUnit.HOURS:
        term = ngettext("%(count)d working hour", "%(count)d working hours",
                        track.term) % {"count": track.term}
    else:
        term = ngettext("%(count)d working day", "%(count)d working days",
                        track.term) % {"count": track.term}
    return _("The region's fast track for %(subject)s: %(term)s.") % {
        "subject": track.subcategory or track.category, "term": term,
    }
