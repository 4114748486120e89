"""The stage clock: due times per stage, stages moving with the workflow, which stage is
late, the clock paused while waiting for the citizen, and deadlines moved by others."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import translation

from cms.models import AppealEvent, EventKind, Status
from cms.kernel.plugins import hooks_for
from plugins.fasttrack.models import AppealClock, FastTrackSettings
from plugins.fasttrack.panels import stage_rows
from tests import factories

from .conftest import fire, move, register, samara

MONDAY = samara(2026, 3, 2, 10)


def clock_of(appeal) -> AppealClock:
    return AppealClock.objects.get(appeal=appeal)


def test_registration_starts_the_clock_with_a_due_time_per_stage(region):
    appeal = register("01.01", MONDAY, region=region)  # 1 + 19 + 1 working days
    clock = clock_of(appeal)
    assert clock.moderation_due == samara(2026, 3, 3, 10)
    assert clock.work_due == samara(2026, 3, 31, 10)  # 9 March is off
    assert clock.approval_due == appeal.deadline == samara(2026, 4, 1, 10)
    assert clock.stage == "moderation"
    # Warned 24 hours (the demo's lead) before moderation is due, and not in its first
    # half: the stage lasts 24 hours of real time, so halfway it is.
    assert clock.warn_at == samara(2026, 3, 2, 22)


def test_a_fast_track_shares_its_hours_among_the_stages(region):
    appeal = register("06.05", MONDAY, region=region)  # 24 working hours: 4 / 16 / 4
    clock = clock_of(appeal)
    assert clock.moderation_due == samara(2026, 3, 2, 14)
    assert clock.work_due == samara(2026, 3, 4, 12)
    assert clock.approval_due == appeal.deadline == samara(2026, 3, 4, 16)
    assert clock.warn_at == samara(2026, 3, 2, 12)  # halfway through a 4-hour stage


def test_stages_move_with_the_status_and_record_when_each_was_done(region):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.SENT_TO_ORGANISATION, samara(2026, 3, 3, 12))  # 2 hours late
    move(appeal, Status.IN_WORK, samara(2026, 3, 4, 9))
    clock = clock_of(appeal)
    assert clock.stage == "work"
    assert clock.moderation_done_at == samara(2026, 3, 3, 12)
    assert clock.warn_at == clock.work_due - timedelta(hours=24)
    move(appeal, Status.ON_APPROVAL, samara(2026, 3, 20, 9))
    move(appeal, Status.IN_WORK, samara(2026, 3, 23, 9))  # the head returned it
    clock = clock_of(appeal)
    assert clock.stage == "work"
    assert clock.work_done_at is None and clock.approval_done_at is None
    move(appeal, Status.ON_APPROVAL, samara(2026, 3, 24, 9))
    move(appeal, Status.ANSWERED, samara(2026, 3, 25, 9))
    clock = clock_of(appeal)
    assert clock.stage == "" and clock.warn_at is None
    assert clock.approval_done_at == samara(2026, 3, 25, 9)


def test_the_admin_panel_says_which_stage_is_late(region, django_assert_num_queries):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.SENT_TO_ORGANISATION, samara(2026, 3, 3, 12))
    with django_assert_num_queries(1), translation.override("en"):
        context = stage_rows(appeal, now=samara(2026, 4, 1, 9))
    states = {row.stage: row.state for row in context["stages"]}
    assert states == {"moderation": "done_late", "work": "late", "approval": "upcoming"}
    assert context["late"] == ["moderation", "work"]

    [panel] = [panel for group in hooks_for(region).appeal_admin_panels(
        appeal=appeal, request=None) if group for panel in group]
    html = render_to_string(panel.template, {"appeal": appeal, **panel.context})
    assert 'data-stage="moderation"' in html
    assert "fasttrack-stage--done_late" in html
    assert "31.03.2026 10:00" in html  # the work stage's due time, in the region's zone


def test_the_clock_pauses_while_waiting_for_the_citizen(region):
    appeal = register("01.01", MONDAY, region=region)
    before = clock_of(appeal)
    move(appeal, Status.WAITING_FOR_CITIZEN, samara(2026, 3, 3, 11))
    paused = clock_of(appeal)
    assert paused.paused_at == samara(2026, 3, 3, 11)
    assert paused.warn_at is None  # no warnings about a paused clock
    move(appeal, Status.ON_MODERATION, samara(2026, 3, 6, 15))
    resumed = clock_of(appeal)
    # Paused: Tuesday 11–18 (7 h), Wednesday and Thursday (18 h), Friday 9–15 (6 h).
    assert resumed.paused_total == timedelta(hours=31)
    assert resumed.paused_at is None
    # Every due time moves by those 31 working hours. Moderation was an hour late when
    # the question was asked, and stays an hour late: due 14:00, resumed at 15:00.
    assert resumed.moderation_due == samara(2026, 3, 6, 14)
    assert resumed.work_due == samara(2026, 4, 3, 14)
    assert resumed.approval_due == samara(2026, 4, 6, 14)
    assert resumed.regular_deadline == samara(2026, 4, 6, 14)
    appeal.refresh_from_db()
    assert appeal.deadline == samara(2026, 4, 6, 14) != before.approval_due
    event = appeal.events.filter(kind=EventKind.DEADLINE_CHANGED).last()
    assert event.data == {"paused_seconds": 31 * 3600, "source": "fasttrack"}
    assert event.is_public


def test_resuming_corrects_a_deadline_moved_by_calendar_time(region):
    """The workflow moves the deadline by the calendar time waited; the production
    calendar's working time wins while this plugin is on."""
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.WAITING_FOR_CITIZEN, samara(2026, 3, 6, 17))
    appeal.deadline += timedelta(days=3, hours=1)  # Friday 17:00 → Monday 18:00
    appeal.save(update_fields=["deadline"])
    move(appeal, Status.ON_MODERATION, samara(2026, 3, 9, 18))
    appeal.refresh_from_db()
    # One working hour was paused (Friday 17–18; Monday 9 March is off).
    assert appeal.deadline == samara(2026, 4, 1, 11)
    fire(appeal, EventKind.DEADLINE_CHANGED, samara(2026, 3, 9, 18))  # the workflow's own
    assert clock_of(appeal).approval_due == samara(2026, 4, 1, 11)


def test_a_pause_over_a_weekend_moves_nothing(region):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.WAITING_FOR_CITIZEN, samara(2026, 3, 6, 19))
    move(appeal, Status.ON_MODERATION, samara(2026, 3, 10, 8))
    appeal.refresh_from_db()
    assert appeal.deadline == samara(2026, 4, 1, 10)
    assert not appeal.events.filter(kind=EventKind.DEADLINE_CHANGED).exists()
    assert clock_of(appeal).paused_at is None


def test_rejected_while_waiting_stops_the_clock_without_moving_the_deadline(region):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.WAITING_FOR_CITIZEN, samara(2026, 3, 3, 11))
    move(appeal, Status.REJECTED, samara(2026, 3, 6, 11))
    clock = clock_of(appeal)
    assert clock.stage == "" and clock.paused_at is None and clock.warn_at is None
    assert not AppealEvent.objects.filter(appeal=appeal, kind=EventKind.DEADLINE_CHANGED
                                          ).exists()


def test_a_postponed_deadline_moves_the_stages_not_done(region):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.SENT_TO_ORGANISATION, samara(2026, 3, 3, 9))
    move(appeal, Status.IN_WORK, samara(2026, 3, 3, 10))
    old_work_due = clock_of(appeal).work_due
    appeal.deadline = samara(2026, 4, 15, 10)  # approved postponement: 10 working days on
    appeal.status = Status.POSTPONED
    appeal.save(update_fields=["deadline", "status"])
    fire(appeal, EventKind.STATUS_CHANGED, samara(2026, 3, 20, 10),
         from_value=Status.IN_WORK, to_value=Status.POSTPONED)
    fire(appeal, EventKind.DEADLINE_CHANGED, samara(2026, 3, 20, 10))
    clock = clock_of(appeal)
    assert clock.approval_due == samara(2026, 4, 15, 10)
    assert clock.work_due == samara(2026, 4, 14, 10) > old_work_due
    assert clock.moderation_due == samara(2026, 3, 3, 10)  # done: left alone
    assert clock.regular_deadline == samara(2026, 4, 1, 10)


def test_changing_the_lead_time_reschedules_pending_warnings(region):
    appeal = register("01.01", MONDAY, region=region)
    move(appeal, Status.SENT_TO_ORGANISATION, samara(2026, 3, 3, 9))
    settings = FastTrackSettings.objects.get(region=region)
    settings.warning_lead_hours = 72
    settings.save()
    clock = clock_of(appeal)
    assert clock.warn_at == clock.work_due - timedelta(hours=72)


def test_a_new_category_plans_the_stages_again(region):
    appeal = register("01.01", MONDAY, region=region)
    new = factories.subcategory("06.05")  # the demo's 24-hour fast track
    appeal.category, appeal.subcategory = new.category, new
    choice = hooks_for(region).appeal_deadline(appeal=appeal, start=MONDAY)
    appeal.deadline, appeal.is_fast_track = choice.due_at, choice.is_fast_track
    appeal.save()
    fire(appeal, EventKind.CATEGORY_CHANGED, samara(2026, 3, 2, 11))
    fire(appeal, EventKind.DEADLINE_CHANGED, samara(2026, 3, 2, 11))
    clock = clock_of(appeal)
    assert clock.moderation_due == samara(2026, 3, 2, 14)
    assert clock.work_due == samara(2026, 3, 4, 12)
    assert clock.approval_due == clock.regular_deadline == samara(2026, 3, 4, 16)
