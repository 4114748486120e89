"""The region's open data: figures by month, organisation and category, with no personal
data or texts, small cells suppressed and no totals to work them out from; the JSON
schema, the CSV, the licence, the link on the portal home; satisfaction only where the
rating plugin is on."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cms.models import Status
from cms.portal.demo import create_demo_pages
from plugins.rating.models import Rating
from plugins.reports import facts
from plugins.reports.open_data import compute
from tests.rating.answered import answered
from tests.workflow.builders import message

pytestmark = pytest.mark.django_db

TEXT = "Яма у подъезда, звоните Сидорову: +7 900 555-44-33, sidorov@example.org"
ADDRESS = "ул. Тайная, 13, кв. 7"
SCORES = (5, 5, 4, 4, 2)


@pytest.fixture
def figures(demo):
    """This month: Gorsk's administration got 7 messages of 01.01 (6 answered on time,
    5 of them rated, 1 overdue now); Staromlynsk's got 2 (a cell under 5)."""
    answers = [answered(text=TEXT, address=ADDRESS) for _ in range(6)]
    for answer, score in zip(answers, SCORES, strict=False):
        Rating.objects.create(appeal=answer.appeal, answer=answer, score=score,
                              is_low=score <= 2)
    message(Status.IN_WORK, text=TEXT, address=ADDRESS,
            deadline=timezone.now() - timedelta(days=1))
    for _ in range(2):
        message(Status.ON_MODERATION, organisation_code="adm-staromlynsk",
                territory_code="staromlynsk", text=TEXT, address=ADDRESS)
    facts.refresh(full=True)  # open data reads the facts, as the scheduled refresh leaves them
    return demo


def row_of(data, organisation_code):
    from tests import factories

    name = factories.organisation(organisation_code).name
    return next(row for row in data.rows if row["organisation"] == name)


def test_figures_by_month_organisation_and_category(figures):
    data = compute(figures)
    month = timezone.localtime(timezone.now(), figures.tzinfo).strftime("%Y-%m")
    assert data.months[-1] == month and len(data.months) == 12
    gorsk = row_of(data, "adm-gorsk")
    assert gorsk["month"] == month
    assert gorsk["category"].startswith("01 ")
    assert gorsk["received"] == 7
    assert gorsk["answered"] == 6
    assert gorsk["answered_on_time"] == 6
    assert gorsk["on_time_share"] == 1.0
    assert gorsk["overdue_now"] == "<5"  # one message
    assert gorsk["ratings"] == 5
    assert gorsk["average_score"] == 4.0


def test_a_cell_under_five_is_suppressed_and_no_total_gives_it_back(figures):
    data = compute(figures)
    small = row_of(data, "adm-staromlynsk")
    assert small["received"] == "<5"
    assert small["answered"] == "<5" and small["answered_on_time"] == "<5"
    assert small["on_time_share"] is None
    assert small["ratings"] == "<5" and small["average_score"] is None
    assert not any(str(value) in ("1", "2", "3", "4") for value in small.values())
    assert {row["organisation"] for row in data.rows}  # one grain, no totals row
    assert not any("total" in key for row in data.rows for key in row)


def personal(text: str) -> list[str]:
    found = [piece for piece in ("Сидоров", "900 555", "sidorov@", "Тайная", "Яма у подъезда",
                                 "Иван", "Петров", "citizen@example.org", "кв. 7")
             if piece in text]
    return found


def test_json_has_its_schema_licence_and_no_personal_data(figures, client):
    response = client.get(reverse("open_data_json", args=["demo"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    assert personal(text) == []
    document = json.loads(text)
    assert document["licence"]["name"] == "CC-BY-4.0"
    fields = [field["name"] for field in document["schema"]["fields"]]
    assert fields == ["month", "organisation", "category", "received", "answered",
                      "answered_on_time", "on_time_share", "overdue_now", "ratings",
                      "average_score"]
    assert all(field["description"] for field in document["schema"]["fields"])
    assert "<5" in document["schema"]["missingValues"]
    for row in document["data"]:
        assert set(row) == set(fields)
    # Nobody who handled the messages is named.
    from tests.workflow.builders import demo_staff
    for user in demo_staff().values():
        assert user.last_name not in text or not user.last_name


def test_csv_has_the_schemas_columns_and_suppressed_cells(figures, client):
    response = client.get(reverse("open_data_csv", args=["demo"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert personal(text) == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    small = next(row for row in rows if row["received"] == "<5")
    assert small["average_score"] == "" and small["on_time_share"] == ""
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]


def test_the_page_shows_the_month_and_the_licence(figures, client):
    response = client.get(reverse("open_data", args=["demo"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert personal(html) == []
    assert "data-open-data" in html and "data-licence" in html
    assert "CC BY 4.0" in html or "Creative Commons" in html
    assert "&lt;5" in html


def test_without_the_rating_plugin_satisfaction_is_absent(figures, client):
    figures.disabled_plugins = ["rating"]
    figures.save(update_fields=["disabled_plugins"])
    data = compute(figures)
    assert "ratings" not in row_of(data, "adm-gorsk")
    document = json.loads(client.get(reverse("open_data_json", args=["demo"])).content)
    assert "ratings" not in [field["name"] for field in document["schema"]["fields"]]
    assert "data-no-ratings" in client.get(reverse("open_data", args=["demo"])).content.decode()


def test_not_found_where_the_plugin_is_off(figures, client):
    figures.disabled_plugins = ["reports"]
    figures.save(update_fields=["disabled_plugins"])
    for name in ("open_data", "open_data_json", "open_data_csv"):
        assert client.get(reverse(name, args=["demo"])).status_code == 404


def test_linked_from_the_portal_home(demo, client):
    create_demo_pages(demo)
    html = client.get("/").content.decode()
    assert f'href="{reverse("open_data", args=["demo"])}"' in html


def test_the_json_costs_the_same_queries_for_more_rows(figures, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("open_data_json", args=["demo"])
    client.get(url)
    cache.clear()  # the document is kept until the next refresh: count making it
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    message(Status.IN_WORK, subcategory_code="02.01", organisation_code="adm-staromlynsk",
            territory_code="staromlynsk")
    facts.refresh()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(before.captured_queries) == len(after.captured_queries) <= 10


def test_the_documents_are_made_once_per_refresh_of_the_figures(figures, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    def gorsk_received(url):
        with CaptureQueriesContext(connection) as made:
            response = client.get(url)
        document = json.loads(response.content)
        name = factories.organisation("adm-gorsk").name
        return sum(row["received"] or 0 for row in document["data"]
                   if row["organisation"] == name), len(made.captured_queries)

    url = reverse("open_data_json", args=["demo"])
    cache.clear()
    received, making = gorsk_received(url)
    again, reading = gorsk_received(url)
    assert again == received and reading < making
    message(Status.ON_MODERATION)  # Gorsk's administration, this month
    assert gorsk_received(url)[0] == received  # the figures are those of the last refresh
    facts.refresh()
    assert gorsk_received(url)[0] == received + 1
