"""A date a person types is kept as that date: postponed until 20.01.2027 reads
20.01.2027 for the head, in the header after approval, for the citizen and in the letter,
whatever the region's zone (the server runs on Moscow time)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from cms.models import Postponement, Status
from tests.workflow.builders import demo_staff, fresh, message

TYPED = date(2027, 1, 20)


@pytest.fixture(params=["Europe/Samara", "Europe/Kaliningrad", "Asia/Kamchatka"])
def zone(request, demo):
    demo.time_zone = request.param
    demo.save(update_fields=["time_zone"])
    return ZoneInfo(request.param)


def test_the_typed_date_is_the_date_everyone_sees(zone, client,
                                                  django_capture_on_commit_callbacks):
    staff = demo_staff()
    appeal = message(Status.IN_WORK, executor=staff["executor"],
                     deadline=datetime(2027, 1, 10, 18, 0, tzinfo=zone))
    client.force_login(fresh(staff["executor"]))
    response = client.post(f"/admin/messages/{appeal.pk}/act/propose_postponement/", {
        "propose_postponement-version": appeal.version,
        "propose_postponement-reasons": "Нужен сезон",
        "propose_postponement-until": "2027-01-20"})
    assert response.status_code == 302
    # Kept as the end of that day on the region's clock.
    until = Postponement.objects.get(appeal=appeal).until
    assert until.astimezone(zone).date() == TYPED
    assert until.astimezone(zone).strftime("%H:%M") == "23:59"

    client.force_login(fresh(staff["head"]))
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert "До: 20.01.2027" in page and "19.01.2027" not in page
    appeal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/messages/{appeal.pk}/act/approve_postponement/", {
            "approve_postponement-version": appeal.version})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.POSTPONED
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert "Срок: 20.01.2027 23:59" in page
    assert "19.01.2027" not in page and "21.01.2027" not in page

    client.force_login(appeal.citizen)
    own = client.get(f"/my/{appeal.public_id}/").content.decode()
    assert "20 января 2027 г. 23:59" in own
    assert "19 января" not in own and "21 января" not in own
    letter = [m for m in mail.outbox if appeal.citizen.email in m.to][-1]
    assert "20.01.2027" in letter.body


def test_the_last_day_the_law_allows_can_be_typed(demo, client):
    # The core's limit is the deadline plus 30 days, to the minute: that day is allowed.
    staff = demo_staff()
    zone = demo.tzinfo
    appeal = message(Status.IN_WORK, executor=staff["executor"],
                     deadline=datetime(2026, 12, 21, 10, 0, tzinfo=zone))
    client.force_login(fresh(staff["executor"]))
    response = client.post(f"/admin/messages/{appeal.pk}/act/propose_postponement/", {
        "propose_postponement-version": appeal.version,
        "propose_postponement-reasons": "Нужен сезон",
        "propose_postponement-until": "2027-01-20"})
    assert response.status_code == 302
    until = Postponement.objects.get(appeal=appeal).until
    assert until.astimezone(zone).date() == TYPED
