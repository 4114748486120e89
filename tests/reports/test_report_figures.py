"""Each report's figures on the fixed data set (tests/reports/fixed_data.py, worked out by
hand there), within the permission policy's limits and the filters."""

from datetime import date

import pytest

from cms.models import Territory
from plugins.reports.filters import report_scope, scoped_appeals
from plugins.reports.registry import REPORTS, get_report
from plugins.reports.satisfaction import RATING_OFF
from tests import factories

from .fixed_data import build, period


@pytest.fixture
def data(demo):
    return build()


def run(key, user, filters):
    return get_report(key).compute(filters, report_scope(user, filters))


def counts(table):
    return {row["label"]: row["count"] for row in table.rows}


def test_the_registry_lists_the_four_reports():
    assert [report.key for report in REPORTS] == ["volume", "deadlines", "satisfaction",
                                                  "problems"]


def test_volume(data):
    result = run("volume", data.curator, period())
    series = result.table("series")
    assert {row["period"]: row["count"] for row in series.rows if row["count"]} == {
        date(2026, 11, 2): 2, date(2026, 11, 3): 1, date(2026, 11, 5): 1,
        date(2026, 11, 10): 1, date(2026, 11, 14): 1}
    assert len(series.rows) == 14 and series.totals["count"] == 6
    assert counts(result.table("by_organisation")) == {
        "Администрация городского округа Горск": 3,
        "Министерство здравоохранения Демонстрационной области": 2,
        factories.organisation("dorhoz-gorsk").name: 1}
    assert counts(result.table("by_channel")) == {
        "Страница портала региона": 4, "Виджет на сайте организации": 1, "API": 1}
    assert counts(result.table("by_status")) == {"Ответ дан": 3, "В работе": 2,
                                                 "На модерации": 1}
    assert counts(result.table("by_territory")) == {
        "Городской округ Горск": 4, "Городской округ Старомлынск": 1,
        "Городской округ Новоприльск": 1}
    assert sum(counts(result.table("by_category")).values()) == 6


def test_volume_by_week_and_month(data):
    weekly = run("volume", data.curator, period(step="week")).table("series")
    assert [(row["period"], row["count"]) for row in weekly.rows] == [
        (date(2026, 11, 2), 4), (date(2026, 11, 9), 2)]
    monthly = run("volume", data.curator, period(step="month")).table("series")
    assert [(row["period"], row["count"]) for row in monthly.rows] == [
        (date(2026, 11, 1), 6)]


def by_organisation(result):
    return {row["_org"]: row for row in result.table("by_organisation").rows}


def test_deadlines(data):
    result = run("deadlines", data.curator, period())
    gorsk, dorhoz, minzdrav = (factories.organisation(code).pk
                               for code in ("adm-gorsk", "dorhoz-gorsk", "minzdrav"))
    rows = by_organisation(result)
    figures = ("received", "answered", "on_time", "late", "overdue", "postponed")
    assert [rows[gorsk][key] for key in figures] == [3, 2, 1, 1, 1, 0]
    assert [rows[dorhoz][key] for key in figures] == [1, 0, 0, 0, 0, 1]
    assert [rows[minzdrav][key] for key in figures] == [2, 1, 1, 0, 0, 0]
    # Working days of the production calendar: 1 and 3 (4 November is a holiday), 7.
    assert (rows[gorsk]["median_days"], rows[gorsk]["p90_days"]) == (2.0, 2.8)
    assert (rows[minzdrav]["median_days"], rows[minzdrav]["p90_days"]) == (7.0, 7.0)
    assert rows[gorsk]["on_time_share"] == 0.5 and rows[dorhoz]["on_time_share"] is None
    assert (rows[minzdrav]["redirects_per_message"], rows[minzdrav]["redirect_loss_days"]
            ) == (0.5, 2.0)
    assert (rows[gorsk]["redirects_per_message"], rows[gorsk]["redirect_loss_days"]
            ) == (0.0, None)
    total = result.table("by_organisation").totals
    assert [total[key] for key in figures] == [6, 3, 2, 1, 1, 1]
    assert (total["median_days"], total["p90_days"]) == (3.0, 6.2)
    # Ranked by the share on time; each against the previous period (all on time then).
    ranking = result.table("ranking").rows
    assert [(row["rank"], row["on_time_share"], row["previous_share"], row["change"])
            for row in ranking] == [(1, 1.0, 1.0, 0.0), (2, 0.5, 1.0, -50.0)]
    assert ranking[0]["organisation"].startswith("Министерство здравоохранения")


def test_satisfaction(data):
    result = run("satisfaction", data.curator, period())
    assert result.notice is None
    rows = {row["label"]: row for row in result.table("by_organisation").rows}
    gorsk = rows["Администрация городского округа Горск"]
    assert (gorsk["ratings"], gorsk["average_score"], gorsk["low_share"],
            gorsk["reopened_share"]) == (2, 3.5, 0.5, 0.0)
    assert [gorsk[f"score_{score}"] for score in range(1, 6)] == [0, 1, 0, 0, 1]
    total = result.table("by_organisation").totals
    assert (total["ratings"], total["average_score"]) == (3, 3.67)
    assert [row["ratings"] for row in result.table("distribution").rows] == [0, 1, 0, 1, 1]
    assert [row["label"] for row in result.table("by_executor").rows] == ["Орлова Анна"]


def test_satisfaction_with_rating_off_says_so(data, demo):
    demo.disabled_plugins = ["rating"]
    demo.save(update_fields=["disabled_plugins"])
    result = run("satisfaction", data.curator, period())
    assert str(result.notice) == str(RATING_OFF)
    assert result.tables == []  # no zeros
    assert not run("satisfaction", data.curator, period()).charts


def test_satisfaction_is_narrowed_to_the_organisation_with_its_children(data):
    result = run("satisfaction", data.curator,
                 period(organisation=factories.organisation("minzdrav")))
    assert [(row["label"], row["ratings"]) for row in result.table("by_organisation").rows
            ] == [("Министерство здравоохранения Демонстрационной области", 1)]


def test_problem_points(data):
    result = run("problems", data.curator, period())
    assert [(row["label"], row["current"], row["previous"], row["growth"],
             row["growth_share"]) for row in result.table("subcategories").rows] == [
        (f"01.01 {factories.subcategory('01.01').name}", 4, 1, 3, 300.0)]
    assert [(row["label"], row["growth"]) for row in result.table("territories").rows] == [
        ("Городской округ Горск", 2), ("Городской округ Новоприльск", 1),
        ("Ленинский район", 1)]
    assert [(row["address"], row["count"]) for row in result.table("places").rows] == [
        ("ул. Ленина, 1", 2)]
    similar = result.table("similar").rows
    assert [(row["address"], row["count"]) for row in similar] == [("ул. Ленина, 1", 2)]
    assert set(similar[0]["_links"]["count"]["ids"].split(",")) == {
        str(data.messages[1].pk), str(data.messages[3].pk)}


def test_a_head_sees_their_organisation_only(data):
    result = run("volume", data.head, period())
    assert counts(result.table("by_organisation")) == {
        "Министерство здравоохранения Демонстрационной области": 2}
    rows = run("deadlines", data.head, period()).table("by_organisation").rows
    assert [row["received"] for row in rows] == [2]


def test_another_regions_curator_sees_none_of_the_demo(data):
    result = run("volume", data.other_curator, period())
    assert counts(result.table("by_organisation")) == {"Другая организация": 1}


def test_someone_without_a_reporting_role_sees_nothing(data):
    assert not scoped_appeals(data.executor, period()).exists()


@pytest.mark.parametrize(("filters", "expected"), [
    ({"organisation": "adm-gorsk"}, 4),  # with its child dorhoz-gorsk
    ({"channel": "api"}, 1),
    ({"fast_track": True}, 1),
    ({"fast_track": False}, 5),
    ({"territory": "gorsk"}, 4),  # with its subtree
    ({"subcategory": "03.02"}, 2),
])
def test_filters(data, filters, expected):
    if "organisation" in filters:
        filters["organisation"] = factories.organisation(filters["organisation"])
    if "territory" in filters:
        filters["territory"] = Territory.objects.get(region__code="demo",
                                                     code=filters["territory"])
    if "subcategory" in filters:
        filters["subcategory"] = factories.subcategory(filters["subcategory"])
    result = run("volume", data.curator, period(**filters))
    assert result.table("series").totals["count"] == expected


@pytest.mark.parametrize("key", ["volume", "deadlines", "satisfaction", "problems"])
def test_a_reports_queries_do_not_grow_with_the_messages(data, key, demo,
                                                         django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filters = period()
    run(key, data.curator, filters)  # the user's roles and grants, read once per request
    with CaptureQueriesContext(connection) as before:
        run(key, data.curator, filters)
    for number in range(11, 16):
        factories.appeal(subcategory_code="01.01", organisation_code="minzhkh",
                         territory_code="gorsk-zarechny", address=f"ул. Новая, {number}")
    with django_assert_num_queries(len(before.captured_queries)):
        run(key, data.curator, filters)


def test_satisfaction_without_messages_in_scope_is_empty_not_switched_off(data):
    empty = Territory.objects.get(region__code="demo", code="gorsk-zarechny")
    result = run("satisfaction", data.curator, period(territory=empty))
    assert str(result.notice) != str(RATING_OFF)  # only: scores are not split by territory
    assert not any(result.table(key).rows
                   for key in ("by_organisation", "by_category", "by_executor"))
    assert [row["ratings"] for row in result.table("distribution").rows] == [0] * 5
