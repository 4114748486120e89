"""The facts computed in Python (plugins/reports/python_facts.py, the refresh's path on
SQLite, the demo's database) are the rows PostgreSQL's SQL writes, on the same data: run
here on PostgreSQL, both paths over the fixed data set (tests/reports/fixed_data.py),
full and incremental, table by table, and the hand-worked figures."""

from __future__ import annotations

from datetime import date
from math import isclose

import pytest
from django.db import connection
from django.utils import timezone

from cms.kernel.plugins import enabled_region_ids
from cms.models import Status
from cms.workflow import actions
from plugins.rating.models import Rating
from plugins.reports import facts, python_facts
from plugins.reports.models import AppealFact, MonthFigures, RatingFact
from tests import factories
from tests.rating.answered import answered
from tests.workflow.builders import demo_staff, message

from .fixed_data import build

pytestmark = pytest.mark.django_db


def table(model, order: tuple[str, ...]) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in ("id", "refreshed_at")}
            for row in model.objects.order_by(*order).values()]


def snapshot() -> dict[str, list[dict]]:
    return {"appeals": table(AppealFact, ("appeal_id",)),
            "ratings": table(RatingFact, ("rating_id",)),
            "months": table(MonthFigures, ("kind", "region_id", "month", "organisation_id",
                                           "category_id", "key"))}


def assert_same(found: dict, expected: dict) -> None:
    assert found.keys() == expected.keys()
    for name in expected:
        assert len(found[name]) == len(expected[name]), name
        for got, want in zip(found[name], expected[name], strict=True):
            # Sums of hours: PostgreSQL adds its floats in its own order.
            for key in ("loss_hours",):
                if key in want and want[key] is not None:
                    assert isclose(got.pop(key), want.pop(key)), (name, want)
            assert got == want, name


def in_python(*, full: bool, since=None, now=None) -> dict[str, int]:
    return python_facts.write(full=full, since=since, now=now or timezone.now(),
                              regions=enabled_region_ids("reports"))


@pytest.fixture
def data(demo):
    assert connection.vendor == "postgresql"  # the SQL path is the reference
    return build()  # refreshed in SQL


def test_the_full_refresh_in_python_writes_the_sqls_rows(data):
    by_sql = snapshot()
    assert len(by_sql["appeals"]) == 10 and len(by_sql["ratings"]) == 3
    assert {row["kind"] for row in by_sql["months"]} == {
        MonthFigures.STATUS, MonthFigures.CHANNEL, MonthFigures.BRANCH, MonthFigures.DAYS,
        MonthFigures.RATING}
    written = in_python(full=True)
    assert written == {facts.APPEALS: 10, facts.RATINGS: 3,
                       facts.MONTHS: len(by_sql["months"])}
    assert_same(snapshot(), by_sql)
    # The hand-worked figures of tests/reports/fixed_data.py.
    by_number = {fact.appeal.number: fact for fact in AppealFact.objects.select_related(
        "appeal")}
    assert [by_number[f"R-00{n}"].working_days for n in (1, 2, 5)] == [1, 3, 7]
    assert [by_number[f"R-00{n}"].on_time for n in (1, 2, 3, 5)] == [True, False, None,
                                                                     True]
    assert (by_number["R-005"].redirects, by_number["R-005"].loss_hours) == (1, 48.0)
    assert by_number["R-004"].postponed and not by_number["R-003"].postponed
    # Registered on 2 November at 09:00 in Samara: 1 November 05:00 UTC is no matter.
    assert by_number["R-005"].created_day == date(2026, 11, 2)


def test_a_registration_day_and_month_are_the_regions_not_utcs(data):
    # 00:30 on 1 November in Samara is still 31 October in UTC.
    early = data.messages[2]
    early_at = timezone.datetime(2026, 11, 1, 0, 30, tzinfo=early.region.tzinfo)
    type(early).objects.filter(pk=early.pk).update(created_at=early_at)
    facts.refresh_facts(full=True)
    by_sql = snapshot()
    in_python(full=True)
    assert_same(snapshot(), by_sql)
    assert AppealFact.objects.get(appeal_id=early.pk).created_day == date(2026, 11, 1)
    assert MonthFigures.objects.filter(month=date(2026, 10, 1)).exists()  # the others


def test_the_incremental_refresh_in_python_follows_the_workflow(demo):
    staff = demo_staff()
    passed_on = message(Status.ON_MODERATION)
    redirected = message(Status.ON_MODERATION)
    actions.do_pass_on_appeal(redirected.pk, staff["moderator"])
    facts.refresh_facts(full=True)
    since = timezone.now()

    new = answered()  # registered, sent on, answered, rated: all after the refresh
    Rating.objects.create(appeal=new.appeal, answer=new, score=2)
    actions.do_pass_on_appeal(passed_on.pk, staff["moderator"])
    actions.do_redirect_appeal(redirected.pk, staff["coordinator"],
                               factories.organisation("uad"), "Дорога областная")
    written = in_python(full=False, since=since)
    assert written[facts.APPEALS] >= 3
    in_python_rows = snapshot()
    facts.refresh_facts(full=True)  # the SQL's answer over everything
    assert_same(in_python_rows, snapshot())
    moved = AppealFact.objects.get(appeal_id=redirected.pk)
    assert (moved.redirects, moved.status) == (1, Status.ON_MODERATION)
    assert AppealFact.objects.get(appeal_id=new.appeal.pk).answered_at == new.published_at
    assert RatingFact.objects.get(appeal_id=new.appeal.pk).is_low  # the region's threshold
