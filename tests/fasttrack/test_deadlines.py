"""The deadline hooks: category terms, fast tracks in hours and days, the region's
calendar and zone, the postponement limit, and the core's fallback with the plugin off."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cms.kernel.default_plugins import add_weekdays
from cms.kernel.plugins import hooks_for
from cms.models import Category, Status
from cms.submission.registration import NewAppeal, do_register_appeal
from plugins.fasttrack.models import AppealClock, FastTrack, FastTrackSettings
from tests import factories

from .conftest import SAMARA, register, samara

MONDAY = samara(2026, 3, 2, 10)


def deadline(region, code, start):
    appeal = factories.appeal(region=region, subcategory_code=code, save=False)
    return hooks_for(region).appeal_deadline(appeal=appeal, start=start)


def test_the_subcategorys_term_in_working_days(region):
    # 01.01 potholes: 1 + 19 + 1 = 21 working days; 9 March 2026 is a transferred day off.
    choice = deadline(region, "01.01", MONDAY)
    assert choice.due_at == samara(2026, 4, 1, 10)
    assert not choice.is_fast_track
    assert "21" in choice.explanation


def test_a_fast_track_in_working_hours(region):
    # 06.05 no heating: the demo's 24 working hours (9:00–18:00).
    choice = deadline(region, "06.05", MONDAY)
    assert choice.due_at == samara(2026, 3, 4, 16)
    assert choice.is_fast_track
    assert "24" in choice.explanation


def test_a_fast_track_in_working_days(region):
    # 04.01 street lighting: 3 working days instead of 1 + 4 + 1.
    choice = deadline(region, "04.01", MONDAY)
    assert choice.due_at == samara(2026, 3, 5, 10)
    assert choice.is_fast_track
    assert deadline(region, "04.02", MONDAY).due_at == samara(2026, 4, 13, 10)  # 29 days


def test_a_subcategorys_track_wins_over_its_categorys(region):
    FastTrack.objects.create(region=region, category=Category.objects.get(code="06"),
                             term=5, unit="days")
    assert deadline(region, "06.07", MONDAY).due_at == samara(2026, 3, 10, 10)  # 5 days
    assert deadline(region, "06.05", MONDAY).due_at == samara(2026, 3, 4, 16)   # its own


def test_an_inactive_fast_track_does_not_apply(region):
    FastTrack.objects.filter(region=region, subcategory__code="04.01").update(is_active=False)
    choice = deadline(region, "04.01", MONDAY)
    assert not choice.is_fast_track
    assert choice.due_at == samara(2026, 3, 11, 10)  # 6 working days


def test_the_regions_own_holiday_moves_the_deadline(region):
    # The demo's regional holiday, Friday 18 December 2026, is skipped.
    assert deadline(region, "04.01", samara(2026, 12, 17)).due_at == samara(2026, 12, 23)
    region.calendar_amendments.all().delete()
    assert deadline(region, "04.01", samara(2026, 12, 17)).due_at == samara(2026, 12, 22)


def test_a_declared_working_saturday_counts(region):
    region.calendar_amendments.create(date=datetime(2026, 3, 7).date(), is_working_day=True)
    assert deadline(region, "04.01", samara(2026, 3, 5)).due_at == samara(2026, 3, 10)


def test_the_regions_working_hours(region):
    FastTrackSettings.objects.filter(region=region).update(workday_start=time(8),
                                                           workday_end=time(17))
    # 24 working hours from Monday 10:00 with 8:00–17:00 days: 7 + 9 + 8 → Wednesday 16:00.
    assert deadline(region, "06.05", MONDAY).due_at == samara(2026, 3, 4, 16)
    # Counting from before opening: 8:00 Monday + 24 h = 8 + ... → Wednesday 14:00... of
    # 9-hour days: Monday 9, Tuesday 9, Wednesday 6 → 14:00.
    assert deadline(region, "06.05", samara(2026, 3, 2, 7)).due_at == samara(2026, 3, 4, 14)


def test_the_region_counts_in_its_own_time_zone(region):
    start = datetime(2026, 3, 2, 7, 0, tzinfo=ZoneInfo("UTC"))  # 11:00 in Samara
    assert deadline(region, "06.05", start).due_at == samara(2026, 3, 4, 17)
    region.time_zone = "Asia/Vladivostok"  # 17:00 there: one hour left on Monday
    due = deadline(region, "06.05", start).due_at
    assert due == datetime(2026, 3, 5, 14, tzinfo=ZoneInfo("Asia/Vladivostok"))


def test_with_the_plugin_off_the_core_counts_weekdays(region):
    region.disabled_plugins = ["fasttrack"]
    choice = deadline(region, "06.05", MONDAY)
    assert not choice.is_fast_track
    # The core's fallback: 6 weekdays, no holiday calendar (9 March counts).
    assert choice.due_at == add_weekdays(MONDAY, 6) == samara(2026, 3, 10, 10)


def test_postponement_limit_counts_from_the_deadline_without_postponements(region):
    appeal = register("01.01", MONDAY, region=region)  # due 1 April 2026 10:00
    hooks = hooks_for(region)
    limit = hooks.postponement_limit(appeal=appeal, now=MONDAY)
    assert limit == datetime.combine(datetime(2026, 5, 1).date(), time.max, tzinfo=SAMARA)
    # A first postponement moved the deadline: the limit does not move with it.
    appeal.deadline += timedelta(days=20)
    appeal.status = Status.POSTPONED
    assert hooks.postponement_limit(appeal=appeal, now=MONDAY) == limit
    FastTrackSettings.objects.filter(region=region).update(postponement_cap_days=10)
    assert hooks.postponement_limit(appeal=appeal, now=MONDAY) == datetime.combine(
        datetime(2026, 4, 11).date(), time.max, tzinfo=SAMARA)


def test_postponement_limit_with_the_plugin_off_is_the_cores(region):
    appeal = register("01.01", MONDAY, region=region)
    region.disabled_plugins = ["fasttrack"]
    assert hooks_for(region).postponement_limit(appeal=appeal, now=MONDAY) == (
        appeal.deadline + timedelta(days=30))


def test_registration_stores_the_fast_track_deadline(region, django_assert_max_num_queries):
    sub = factories.subcategory("06.05")
    appeal, created = do_register_appeal(NewAppeal(
        region=region, citizen=factories.user(email="c@example.org"), category=sub.category,
        subcategory=sub, territory=factories.territory("gorsk"), text="Нет отопления",
    ))
    appeal.refresh_from_db()
    assert created and appeal.is_fast_track
    clock = AppealClock.objects.get(appeal=appeal)
    assert appeal.deadline == clock.approval_due == clock.regular_deadline
    # The fast track's 24 working hours, however the registration moment falls.
    calendar_hours = clock.started_at + timedelta(hours=24)
    assert appeal.deadline >= calendar_hours
    assert appeal.deadline < deadline(region, "06.07", clock.started_at).due_at
    assert clock.stage == "moderation"
