"""The stage clock: due times per stage, stages moving with the workflow, which stage is
late, the clock paused while waiting for the citizen, and deadlines moved by others."""

from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.utils import translation

from cms.kernel.plugins import hooks_for
from cms.models import AppealEvent, AuditRecord, EventKind, Status
from cms.workflow import actions
from plugins.fasttrack import deadlines, planning
from plugins.fasttrack.clock import start_clock
from plugins.fasttrack.models import AppealClock, FastTrackSettings
from plugins.fasttrack.panels import stage_rows
from tests import factories

from .conftest import asked_and_answered, fire, move, register, samara

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


def test_registration_plans_the_calendar_once_for_the_deadline_and_the_clock(
        region, monkeypatch):
    walks = []
    real = planning.plan_stages
    monkeypatch.setattr(deadlines, "plan_stages",
                        lambda *args, **kwargs: walks.append(args) or real(*args, **kwargs))
    appeal = register("01.01", MONDAY, region=region)
    assert len(walks) == 1
    assert clock_of(appeal).work_due == samara(2026, 3, 31, 10)
    # A message object the deadline hook never saw (registered elsewhere) is planned
    # for its clock.
    appeal.__dict__.pop(deadlines.DEADLINE_PLAN)
    AppealClock.objects.filter(appeal=appeal).delete()
    start_clock(appeal, MONDAY)
    assert len(walks) == 2


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
    move(appeal, Status.WAITING_FOR_CITIZEN, samara(2026, 3, 3, 11))
    paused = clock_of(appeal)
    assert paused.paused_at == samara(2026, 3, 3, 11)
    assert paused.warn_at is None  # no warnings about a paused clock


def deadline_events(appeal) -> list[AppealEvent]:
    return list(appeal.events.filter(kind=EventKind.DEADLINE_CHANGED))


def test_answering_the_question_recounts_the_deadline_on_the_production_calendar(
        region, at):
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 3, 11),
                                answered=samara(2026, 3, 6, 15))
    # Paused: Tuesday 11–18 (7 h), Wednesday and Thursday (18 h), Friday 9–15 (6 h).
    assert appeal.deadline == samara(2026, 4, 6, 14)  # was 1 April 10:00
    [event] = deadline_events(appeal)  # the core's, the only one
    assert datetime.fromisoformat(event.from_value) == samara(2026, 4, 1, 10)
    assert datetime.fromisoformat(event.to_value) == appeal.deadline
    assert event.reason.startswith(("Recounted on the production calendar",
                                    "Пересчитано по производственному календарю"))
    assert "31.0" in event.reason and event.is_public and event.actor is None
    # Every due time of the clock moved by the same 31 working hours; moderation was an
    # hour late when the question was asked, and stays an hour late.
    clock = clock_of(appeal)
    assert clock.paused_total == timedelta(hours=31) and clock.paused_at is None
    assert clock.moderation_due == samara(2026, 3, 6, 14)
    assert clock.work_due == samara(2026, 4, 3, 14)
    assert clock.approval_due == clock.regular_deadline == appeal.deadline


def test_answering_writes_the_message_once(region, at):
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 3, 11), answered=None)
    version = appeal.version
    audited = AuditRecord.objects.filter(appeal=appeal).count()
    at(samara(2026, 3, 6, 15))
    actions.do_answer_clarification(appeal.pk, appeal.citizen, "Второй подъезд")
    appeal.refresh_from_db()
    assert appeal.version == version + 1
    assert AuditRecord.objects.filter(appeal=appeal).count() == audited + 1
    assert len(deadline_events(appeal)) == 1


def test_with_the_plugin_off_the_core_moves_the_deadline_by_calendar_time(region, at):
    region.disabled_plugins = ["fasttrack"]
    region.save(update_fields=["disabled_plugins"])
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 3, 11), answered=None)
    before = appeal.deadline  # the core's own term, in weekdays
    at(samara(2026, 3, 6, 15))
    actions.do_answer_clarification(appeal.pk, appeal.citizen, "Второй подъезд")
    appeal.refresh_from_db()
    # Three days and four hours waited, counted as they are on the wall clock.
    assert appeal.deadline == before + timedelta(days=3, hours=4)
    [event] = deadline_events(appeal)
    assert not event.reason.startswith(("Recounted", "Пересчитано"))


def test_a_pause_outside_working_hours_moves_nothing(region, at):
    # Friday 19:00 to Tuesday 8:00: no working time (Monday 9 March is off).
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 6, 19),
                                answered=samara(2026, 3, 10, 8))
    assert appeal.deadline == samara(2026, 4, 1, 10)
    assert deadline_events(appeal) == []
    clock = clock_of(appeal)
    assert clock.paused_at is None and clock.approval_due == appeal.deadline


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
