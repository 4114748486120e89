"""The "Reports" admin section: who reaches it, a report's page (chart beside its table,
figures linking to their messages), the message list behind a figure, and the exports
(headers, human values, formula injection)."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cms.models import Role
from plugins.reports import facts
from plugins.reports.deadlines import COLUMNS
from tests import factories
from tests.workflow.builders import staff_member

from .fixed_data import SINCE, UNTIL, build, local, made

FILTERS = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
INJECTED = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def data(demo):
    return build()


@pytest.fixture
def curator_client(client, data):
    client.force_login(data.curator)
    return client


def url(name, *args, **query):
    return f"{reverse(name, args=args)}?{urlencode({**FILTERS, **query})}"


def test_the_section_is_in_the_menu_of_those_who_read_reports(curator_client, data, client):
    home = curator_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("reports_admin:report", args=["volume"]) in home
    client.force_login(data.executor)
    executor = staff_member("rep-exec", "adm-gorsk", Role.EXECUTOR)
    client.force_login(executor)
    assert reverse("reports_admin:report", args=["volume"]) not in client.get(
        reverse("wagtailadmin_home")).content.decode()
    # Wagtail answers a refused admin page with a redirect to the dashboard.
    for refused in (url("reports_admin:report", "volume"), url("reports_admin:messages"),
                    url("reports_admin:export", "volume", "csv")):
        reply = client.get(refused)
        assert reply.status_code in (302, 403) and "attachment" not in reply.get(
            "Content-Disposition", "")


@pytest.mark.parametrize("key", ["volume", "deadlines", "satisfaction", "problems"])
def test_each_report_page_shows_a_chart_beside_its_table(curator_client, key):
    page = curator_client.get(url("reports_admin:report", key))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "kozea.github.io" not in html  # pygal's CDN script is off
    assert 'data-figure' in html and reverse("reports_admin:messages") in html


def test_a_figure_opens_its_messages(curator_client, data):
    gorsk = factories.organisation("adm-gorsk")
    page = curator_client.get(url("reports_admin:messages", org=gorsk.pk, measure="late"))
    html = page.content.decode()
    assert "R-002" in html and "R-001" not in html and "R-003" not in html
    overdue = curator_client.get(url("reports_admin:messages", measure="overdue"))
    assert "R-003" in overdue.content.decode()
    assert "R-006" not in overdue.content.decode()
    # The head of another organisation does not reach these messages through the list.
    head_client = curator_client
    head_client.force_login(data.head)
    assert "R-002" not in head_client.get(url("reports_admin:messages")).content.decode()


def test_the_deadline_page_links_each_figure_to_the_same_messages(curator_client):
    html = curator_client.get(url("reports_admin:report", "deadlines")).content.decode()
    gorsk = factories.organisation("adm-gorsk")
    late_link = urlencode({"org": gorsk.pk, "measure": "late"}).replace("&", "&amp;")
    assert late_link in html


def rows_of(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export(curator_client, data):
    reply = curator_client.get(url("reports_admin:export", "deadlines", "csv"))
    assert reply["Content-Type"].startswith("text/csv")
    assert "attachment" in reply["Content-Disposition"]
    rows = rows_of(reply.content)
    assert [str(column.label) for column in COLUMNS] in rows
    gorsk = next(row for row in rows if row and row[0] == "Администрация городского округа Горск")
    # received, answered, on time, late, overdue, postponed, share, median, p90 (decimal
    # commas, a percent sign), redirects per message, time lost (a dash: none).
    assert gorsk[1:] == ["3", "2", "1", "1", "1", "0", "50,0 %", "2,0", "2,8", "0,00", "—"]


def test_exports_guard_against_formula_injection(curator_client, data):
    for number in (21, 22):
        made(number, "adm-gorsk", local(6, 10), local(10, 18), address=INJECTED)
    made(23, "adm-gorsk", local(6, 10), local(10, 18), address="-1+1")
    made(24, "adm-gorsk", local(7, 10), local(10, 18), address="-1+1")
    facts.refresh()  # the reports read the facts, as the scheduled refresh leaves them
    rows = rows_of(curator_client.get(url("reports_admin:export", "problems", "csv")).content)
    addresses = [row[1] for row in rows if len(row) == 3 and row[0] == "Городской округ Горск"]
    assert "'" + INJECTED in addresses and "'-1+1" in addresses
    # Only a negative number may start with a minus; nothing starts with = + @.
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row
                   if not cell.removeprefix("-").replace(",", "").isdigit())

    reply = curator_client.get(url("reports_admin:export", "problems", "xlsx"))
    assert reply["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(reply.content))
    values = [cell for sheet in book for row in sheet.iter_rows(values_only=True)
              for cell in row if isinstance(cell, str)]
    assert "'" + INJECTED in values and "'-1+1" in values
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in values)


def test_xlsx_keeps_numbers_as_numbers_with_russian_sheet_and_headers(curator_client):
    reply = curator_client.get(url("reports_admin:export", "volume", "xlsx"))
    book = load_workbook(io.BytesIO(reply.content))
    about = book.worksheets[0]
    assert about["B2"].value == "02.11.2026 – 15.11.2026"
    statuses = next(sheet for sheet in book.worksheets[1:]
                    if any(row == ("Ответ дан", 3) for row in sheet.iter_rows(values_only=True)))
    assert statuses.max_row == 5  # header, three statuses, the total


def test_the_report_page_costs_the_same_for_more_messages(curator_client, data,
                                                          django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = url("reports_admin:report", "deadlines")
    curator_client.get(target)
    with CaptureQueriesContext(connection) as before:
        curator_client.get(target)
    for number in range(31, 36):
        made(number, "minzhkh", local(6, 10), local(10, 18), answered=local(9, 10))
    with django_assert_num_queries(len(before.captured_queries)):
        assert curator_client.get(target).status_code == 200
