"""The national roll-up: per region, the same figures the region's own views give, each
linking to the region's list; a constant number of queries however many regions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Appeal, Region
from cms.staff_admin.core_queues import overdue_q
from cms.staff_admin.national import rollup
from cms.staff_admin.queues import registered_queues
from plugins.reports.facts import refresh
from plugins.reports.measures import late_q
from plugins.reports.filters import ReportFilters, report_scope
from plugins.reports.registry import get_report
from tests.workflow.builders import demo_staff, fresh

from .builders import curator_of, national_operator, populate, small_region


@pytest.fixture
def national(demo):
    return national_operator()


def period():
    today = timezone.localdate()
    return today - timedelta(days=9), today


def region_views(curator, region):
    """What the region's own views say: its curator's queues and deadline report."""
    queues = {queue.key: queue for queue in registered_queues()}
    since, until = period()
    filters = ReportFilters(since=since, until=until, region=region,
                            zone=region.time_zone)
    totals = get_report("deadlines").compute(
        filters, report_scope(curator, filters)).table("by_organisation").totals
    return {
        "messages": queues["region"].queryset(curator).filter(region=region).count(),
        "overdue": queues["overdue"].queryset(curator).filter(region=region).count(),
        **{key: totals[key] for key in ("received", "on_time", "late", "on_time_share")},
    }


def shown(row):
    return {"messages": row.messages, "overdue": row.overdue,
            **{key: row.compliance[key]
               for key in ("received", "on_time", "late", "on_time_share")}}


def test_each_region_has_its_region_views_figures(national, demo):
    second = small_region(1)
    populate(demo, "adm-gorsk", open_=3, overdue=2, on_time=2, late=1)
    populate(second, "n1-org", open_=1, overdue=1, on_time=0, late=2)
    refresh(full=True)
    curators = {demo.pk: fresh(demo_staff()["curator"]),
                second.pk: curator_of(second, "n1-org", "n1-curator")}
    rows = {row.region.pk: row for row in rollup(national, *period())}
    for region in (demo, second):
        expected = region_views(curators[region.pk], region)
        assert shown(rows[region.pk]) == expected, region.code
    # Figures known by construction, so the comparison is not of two empty answers.
    assert shown(rows[second.pk])["late"] == 2
    assert shown(rows[second.pk])["overdue"] == 1
    assert shown(rows[demo.pk])["on_time"] >= 2


def test_each_figure_links_to_the_regions_list(client, national, demo):
    second = small_region(1)
    populate(second, "n1-org")
    refresh(full=True)
    client.force_login(national)
    response = client.get("/admin/national/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/admin/queues/region/?region={second.pk}"' in html
    assert f'href="/admin/queues/overdue/?region={second.pk}"' in html
    assert f"/admin/reports/deadlines/?region={second.pk}" in html
    assert f"region={second.pk}&amp;since=" in html and "measure=late" in html
    # The lists behind the figures open for the national operator, with the region's
    # messages the figure counts and no other region's.
    row = next(r for r in rollup(national, *period()) if r.region == second)
    now = timezone.now()
    theirs = Appeal.objects.filter(region=second)
    expected = {
        "messages": set(theirs.values_list("number", flat=True)),
        "overdue": set(theirs.filter(overdue_q(now)).values_list("number", flat=True)),
        "late": set(theirs.filter(late_q()).values_list("number", flat=True)),
    }
    assert (len(expected["messages"]), len(expected["overdue"]), len(expected["late"])) == (
        row.messages, row.overdue, row.compliance["late"])
    others = set(Appeal.objects.exclude(region=second).values_list("number", flat=True))
    for key, numbers in expected.items():
        listing = client.get(row.links[key])
        assert listing.status_code == 200, key
        html = listing.content.decode()
        assert all(number in html for number in numbers), key
        assert not any(number in html for number in theirs.exclude(
            number__in=numbers).values_list("number", flat=True)), key
        assert not any(number in html for number in others), key
    assert client.get(row.links["deadlines"]).status_code == 200


def test_others_may_not_open_the_national_view(client, demo):
    client.force_login(fresh(demo_staff()["curator"]))
    response = client.get("/admin/national/")
    # Wagtail answers a refusal with the way back to the dashboard.
    assert response.status_code in (302, 403)
    assert 'class="listing pos-national"' not in response.content.decode()


def count_queries(user):
    with CaptureQueriesContext(connection) as queries:
        rows = rollup(user, *period())
    return len(queries), rows


def test_queries_do_not_grow_with_the_regions(national, demo):
    small_region(1)
    populate(small_region(1), "n1-org", open_=1, overdue=1, on_time=1, late=1)
    refresh(full=True)
    count_queries(national)  # the plugin manager, the queues: once per process
    with_two, rows = count_queries(national)
    before = len(rows)
    assert before == Region.objects.count() >= 2
    for index in range(2, 5):
        populate(small_region(index), f"n{index}-org", open_=1, overdue=1, on_time=1,
                 late=1)
    refresh(full=True)
    with_five, rows = count_queries(national)
    assert len(rows) == before + 3
    assert with_five == with_two
    assert with_two <= 4


def test_the_page_in_the_same_queries_for_two_and_five_regions(client, national, demo):
    small_region(1)
    client.force_login(national)
    client.get("/admin/national/")  # warms the shell's memory
    with CaptureQueriesContext(connection) as two:
        assert client.get("/admin/national/").status_code == 200
    for index in range(2, 5):
        small_region(index)
    client.get("/admin/national/")
    with CaptureQueriesContext(connection) as five:
        assert client.get("/admin/national/").status_code == 200
    assert len(five) == len(two)
