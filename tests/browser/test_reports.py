"""The "Reports" section in a real browser: the curator opens each report with a filter,
sees its chart (an SVG beside its table), follows a figure to the messages behind it, and
downloads an export.

Set POS_SCREENSHOTS to a folder to keep a picture of each report for review.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from plugins.reports.registry import REPORTS
from tests import factories
from tests.browser.staff_steps import PASSWORD, as_user
from tests.reports.fixed_data import SINCE, UNTIL, build

SCREENSHOTS = os.environ.get("POS_SCREENSHOTS")


@pytest.fixture
def data(demo):
    data = build()
    data.curator.set_password(PASSWORD)
    data.curator.save(update_fields=["password"])
    return data


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"reports_{name}.png"), full_page=True)


def test_each_report_with_a_filter_a_chart_a_figure_and_an_export(page, live_server,
                                                                  admin_login, data):
    as_user(page, admin_login, data.curator.username)
    page.goto(f"{live_server.url}/admin/")
    # The section is in the menu.
    assert page.locator(f'a[href="{reverse("reports_admin:report", args=["volume"])}"]'
                        ).count() >= 1
    for report in REPORTS:
        page.goto(f"{live_server.url}{reverse('reports_admin:report', args=[report.key])}")
        page.fill("input[name=since]", SINCE.isoformat())
        page.fill("input[name=until]", UNTIL.isoformat())
        page.click("form.pos-filters button[type=submit]")
        page.wait_for_url(lambda url: "since=" in url)
        chart = page.locator("figure[data-chart] svg").first
        chart.wait_for()
        assert chart.get_attribute("role") == "img"
        assert page.locator("figure[data-chart] + div table, "
                            "figure[data-chart] ~ div table").count() >= 1
        shot(page, report.key)
        if SCREENSHOTS:
            page.locator("section[data-table]").first.screenshot(
                path=os.path.join(SCREENSHOTS, f"reports_{report.key}_chart.png"))

        with page.expect_download() as download:
            page.click("a[data-export=csv]")
        path = download.value.path()
        with open(path, encoding="utf-8-sig") as exported:
            assert str(report.title) in exported.read()

        page.locator("a[data-figure]").first.click()
        page.wait_for_url(lambda url: "/admin/reports/messages/" in url)
        assert page.locator("table[data-messages] tbody tr").count() >= 1
        shot(page, f"{report.key}_messages")


def test_a_figure_opens_exactly_its_messages(page, live_server, admin_login, data):
    as_user(page, admin_login, data.curator.username)
    query = urlencode({"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
    page.goto(f"{live_server.url}{reverse('reports_admin:report', args=['deadlines'])}"
              f"?{query}")
    gorsk = factories.organisation("adm-gorsk")
    late = urlencode({"org": gorsk.pk, "measure": "late"})
    page.locator(f'section[data-table=by_organisation] a[href*="{late}"]').first.click()
    page.wait_for_url(lambda url: "measure=late" in url)
    numbers = page.locator("table[data-messages] tbody th a").all_inner_texts()
    assert numbers == ["R-002"]
    page.click("a:text-is('R-002')")
    page.wait_for_url(f"{live_server.url}/admin/messages/{data.messages[2].pk}/")
