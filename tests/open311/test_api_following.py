"""GET requests: the spec's filters, its 90-day window and 1,000-result cap with paging,
times on the region's clock, no personal data for anonymous callers, and a constant
number of queries whatever the page's length."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Appeal, Channel, Status
from cms.submission.registration import NewAppeal, do_register_appeal
from plugins.open311.following import MAX_RESULTS
from plugins.open311.models import Integration
from tests import factories

from .api_support import *
from .api_support import SERVICE, body, post, url


def listing(client, **params) -> list[dict]:
    response = client.get(url("requests"), {"jurisdiction_id": "demo", **params})
    assert response.status_code == 200, response.content
    return response.json()


def ids(entries) -> list[str]:
    return [entry["service_request_id"] for entry in entries]


def portal_message(code: str = "01.02", text: str = "Сообщение через портал") -> Appeal:
    sub = factories.subcategory(code)
    citizen = factories.user(first_name="Пётр", last_name="Сидоров",
                             email="petr@example.org")
    appeal, _ = do_register_appeal(NewAppeal(
        region=factories.demo_region(), citizen=citizen, category=sub.category,
        subcategory=sub, territory=factories.territory("gorsk"), text=text,
        address="ул. Мира, 1", channel=Channel.PORTAL))
    return appeal


def registered_days_ago(appeal: Appeal, days: int) -> None:
    Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_times_are_iso_8601_on_the_regions_clock(client, epgu, demo):
    (filed,) = body(post(client, epgu[1]))
    (entry,) = listing(client)
    appeal = Appeal.objects.get(number=filed["service_request_id"])
    requested = datetime.fromisoformat(entry["requested_datetime"])
    assert requested.utcoffset() == timezone.localtime(appeal.created_at, demo.tzinfo).utcoffset()
    assert requested.utcoffset() == timedelta(hours=4)  # Europe/Samara
    assert abs(requested - appeal.created_at) < timedelta(seconds=1)
    assert datetime.fromisoformat(entry["expected_datetime"]) == appeal.deadline.replace(
        microsecond=0)
    assert datetime.fromisoformat(entry["updated_datetime"]).utcoffset() == timedelta(hours=4)


def test_anonymous_callers_get_no_personal_data(client, epgu):
    post(client, epgu[1])
    portal_message()
    entries = listing(client)
    assert len(entries) == 2
    text = json.dumps(entries, ensure_ascii=False)
    for personal in ("Анна", "Иванова", "anna@example.org", "Сидоров", "petr@example.org",
                     "ул. Ленина", "ул. Мира", "Яма на дороге", "55.75", "esia-oid"):
        assert personal not in text
    assert {(e["description"], e["address"], e["lat"], e["long"], e["media_url"])
            for e in entries} == {(None, None, None, None, None)}
    xml = client.get(url("requests", "xml"), {"jurisdiction_id": "demo"}).content.decode()
    assert "Иванова" not in xml and "ул. Ленина" not in xml


def test_the_filing_integration_reads_its_own_requests_in_full_and_no_others(client, epgu,
                                                                            demo):
    (filed,) = body(post(client, epgu[1]))
    portal_message()
    own = {e["service_request_id"]: e for e in listing(client, api_key=epgu[1])}
    mine = own.pop(filed["service_request_id"])
    assert mine["description"].startswith("Яма на дороге")
    assert mine["address"] == "ул. Ленина, 5"
    assert (mine["lat"], mine["long"]) == (55.751244, 37.618423)
    (other,) = own.values()
    assert other["description"] is None and other["address"] is None
    stranger = Integration.objects.create(region=demo, name="Колл-центр",
                                          channel_label="API: колл-центр")
    seen = listing(client, api_key=stranger.issue_key())
    assert {e["description"] for e in seen} == {None}


def test_filters(client, epgu):
    (filed,) = body(post(client, epgu[1]))
    roads = portal_message("01.02")
    closed = portal_message("01.03")
    Appeal.objects.filter(pk=closed.pk).update(status=Status.CLOSED)

    assert set(ids(listing(client))) == {filed["service_request_id"], roads.number,
                                         closed.number}
    assert ids(listing(client, service_code=SERVICE)) == [filed["service_request_id"]]
    assert set(ids(listing(client, service_code=f"{SERVICE},01.02"))) == {
        filed["service_request_id"], roads.number}
    assert ids(listing(client, status="closed")) == [closed.number]
    assert closed.number not in ids(listing(client, status="open"))
    assert len(listing(client, status="open,closed")) == 3
    # service_request_id overrides every other filter.
    assert set(ids(listing(client, service_request_id=f"{roads.number},{closed.number}",
                           status="open", service_code=SERVICE))) == {roads.number,
                                                                      closed.number}


def test_the_default_window_is_the_last_90_days(client, general):
    recent, old = portal_message(), portal_message()
    registered_days_ago(recent, 89)
    registered_days_ago(old, 91)
    assert ids(listing(client)) == [recent.number]
    # An explicit range reaches the older one; start alone spans 90 days from it.
    start = (timezone.now() - timedelta(days=100)).date().isoformat()
    assert ids(listing(client, start_date=start)) == [recent.number, old.number]
    end = (timezone.now() - timedelta(days=90)).isoformat()
    assert ids(listing(client, end_date=end)) == [old.number]


def test_newest_first_at_most_1000_a_page_and_the_next_page_has_the_rest(client, general):
    template = portal_message()
    rows = []
    for index in range(MAX_RESULTS + 1):
        copy = Appeal.objects.get(pk=template.pk)
        copy.pk = None
        copy.public_id = uuid.uuid4()
        copy.number = f"DEMO-PAGE-{index:05d}"
        copy.idempotency_key = None
        rows.append(copy)
    Appeal.objects.bulk_create(rows)
    first = listing(client)
    assert len(first) == MAX_RESULTS
    second = listing(client, page="2")
    assert len(second) == 2  # 1,001 copies and the template
    assert not set(ids(first)) & set(ids(second))
    small = listing(client, page_size="10", page="3")
    assert ids(small) == ids(first)[20:30]


@pytest.mark.parametrize("with_key", [False, True])
def test_the_list_costs_the_same_queries_for_2_or_12_messages(client, epgu, with_key):
    params = {"jurisdiction_id": "demo"}
    if with_key:
        params["api_key"] = epgu[1]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("requests"), params)
        assert response.status_code == 200
        return len(queries)

    for _ in range(2):
        post(client, epgu[1])
    few = count()
    for index in range(10):
        if index % 2:
            post(client, epgu[1])
        else:
            portal_message()
    assert len(listing(client)) == 12
    assert count() == few
    # The region, the page with its joins, the public events (and the key's checks).
    assert few <= (3 if not with_key else 6)
