"""Finding 8 of issue 11, the pause, through the real write paths: the moderator asks,
the citizen answers, and the fast-track clock recounts the deadline. A pause of seconds
used to read "приостановлен на 0.0 рабочих часов"; now it writes no line, and a pause of
hours reads in Russian words with the right plural form."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from tests.fasttrack.conftest import (  # noqa: F401 - fixtures
    asked_and_answered,
    at,
    region,
    samara,
)


def history(appeal) -> str:
    client = Client()
    client.force_login(appeal.citizen)
    response = client.get(reverse("portal:message", args=[appeal.public_id]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return " ".join(soup.select_one("ol.history").get_text(" ").split())


def test_a_pause_of_seconds_writes_no_line_for_the_citizen(region, at):
    asked = samara(2026, 3, 3, 11)
    appeal = asked_and_answered(region, at, asked=asked,
                                answered=asked.replace(second=30))
    text = history(appeal)
    assert "0.0" not in text and "0,0" not in text
    assert "рабочих часов" not in text and "Пересчитано" not in text
    assert "Срок продлён" not in text


def test_a_pause_of_hours_reads_in_russian_words(region, at):
    # Tuesday 11:00 to 14:00, inside the working day: three working hours.
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 3, 11),
                                answered=samara(2026, 3, 3, 14))
    text = history(appeal)
    assert "Срок продлён на 3 часа." in text
    assert "Пересчитано" not in text and "3.0" not in text
    assert "extended" not in text  # the catalogue's Russian, not the msgid


def test_a_pause_of_days_counts_days_in_russian(region, at):
    # Tuesday 11:00 to Friday 15:00: 31 working hours moved the deadline from 1 April
    # 10:00 to 6 April 14:00 (tests/fasttrack/test_clock.py), five days on the calendar.
    appeal = asked_and_answered(region, at, asked=samara(2026, 3, 3, 11),
                                answered=samara(2026, 3, 6, 15))
    text = history(appeal)
    assert "Срок продлён на 5 дней." in text
    assert "31.0" not in text and "Пересчитано" not in text
