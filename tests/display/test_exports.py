"""The queues' files are for people: Russian headers, statuses by their labels, Да/Нет,
times on the region's clock, and a file named after the queue and the day."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.models import Status
from tests.workflow.builders import demo_staff, message

HEADERS = ["Регистрационный номер", "Статус", "Категория", "Подкатегория", "Территория",
           "Адресат", "Срок", "Быстрый трек", "Просрочено", "Дата регистрации"]


@pytest.fixture
def queued(demo, client):
    zone = demo.tzinfo
    appeal = message(Status.ON_MODERATION, "cur",
                     deadline=datetime(2026, 12, 2, 18, 0, tzinfo=zone))
    client.force_login(demo_staff()["moderator"])
    return appeal


def xlsx(client):
    response = client.get("/admin/queues/moderation/", {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    return response, rows


def test_xlsx_headers_values_and_times(queued, client):
    _response, rows = xlsx(client)
    assert list(rows[0][:len(HEADERS)]) == HEADERS
    cells = dict(zip(rows[0], next(r for r in rows if r[0] == queued.number)))
    assert cells["Статус"] == "На модерации"
    assert cells["Быстрый трек"] == "Нет" and cells["Просрочено"] == "Нет"
    assert cells["Адресат"] == str(queued.organisation)
    # 18:00 on the region's clock, not 14:00 UTC nor 17:00 in Moscow.
    assert cells["Срок"] == datetime(2026, 12, 2, 18, 0)


def test_csv_headers_values_and_times(queued, client):
    response = client.get("/admin/queues/moderation/", {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["Регистрационный номер"] == queued.number)
    assert row["Статус"] == "На модерации"
    assert row["Срок"] == "02.12.2026 18:00"
    assert row["Быстрый трек"] == "Нет"
    assert "on_moderation" not in row.values()


@pytest.mark.parametrize("export", ["xlsx", "csv"])
def test_the_file_is_named_after_the_queue_and_the_day(queued, client, demo, export):
    response = client.get("/admin/queues/moderation/", {"export": export})
    disposition = response["Content-Disposition"]
    assert "spreadsheet-export" not in disposition
    name = unquote(disposition.split("filename*=utf-8''")[1])
    day = timezone.localtime(timezone.now(), demo.tzinfo).date().isoformat()
    assert name == f"на-модерации-{day}.{export}"
