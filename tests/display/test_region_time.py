"""One rule for showing time: whatever the region's zone, every page, letter and export
shows a moment on the region's clock (the server runs on Moscow time).

The chain runs in regions from Kaliningrad (UTC+2) to Kamchatka (UTC+12): a citizen
registers a message, the executor asks to postpone it, the head approves, the executor
answers and the head approves the answer. The expected strings are built here from the
zone alone, not by the code under test.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from openpyxl import load_workbook

from cms.models import Appeal, Status
from cms.submission.registration import NewAppeal, do_register_appeal
from cms.workflow import actions
from tests import factories
from tests.workflow.builders import citizen, demo_staff, fresh

ZONES = ["Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk",
         "Asia/Kamchatka"]
SERVER = ZoneInfo("Europe/Moscow")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")


def short(moment, zone) -> str:
    """As staff read it: 02.12.2026 18:00."""
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def long(moment, zone) -> str:
    """As the citizen reads it: 2 декабря 2026 г. 18:00."""
    local = moment.astimezone(zone)
    return (f"{local.day} {MONTHS[local.month - 1]} {local.year} г. "
            f"{local.hour}:{local.minute:02d}")


@pytest.fixture(params=ZONES)
def zone(request, demo):
    demo.time_zone = request.param
    demo.save(update_fields=["time_zone"])
    return ZoneInfo(request.param)


@pytest.fixture
def registered(zone, django_capture_on_commit_callbacks) -> Appeal:
    staff = demo_staff()
    sub = factories.subcategory("01.01")
    with django_capture_on_commit_callbacks(execute=True):
        appeal, _ = do_register_appeal(NewAppeal(
            region=factories.demo_region(), citizen=citizen(), category=sub.category,
            subcategory=sub, territory=factories.territory("gorsk"), text="Яма у дома 5"))
        if appeal.organisation.code != "adm-gorsk":
            actions.do_change_organisation(appeal.pk, staff["moderator"],
                                           factories.organisation("adm-gorsk"))
    return Appeal.objects.get(pk=appeal.pk)


def letter_to(address, subject_part):
    letters = [m for m in mail.outbox if address in m.to and subject_part in m.subject]
    assert letters, [m.subject for m in mail.outbox]
    return letters[-1].body


def test_registration_shows_the_region_clock_everywhere(registered, zone, client):
    appeal = registered
    # The staff page: the header's deadline and the registration time.
    client.force_login(demo_staff()["moderator"])
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert f"{short(appeal.deadline, zone)}" in page
    assert short(appeal.deadline, SERVER) not in page
    assert short(appeal.created_at, zone) in page
    assert short(appeal.created_at, SERVER) not in page
    # The citizen's pages.
    client.force_login(appeal.citizen)
    mine = client.get("/my/").content.decode()
    assert long(appeal.created_at, zone) in mine and long(appeal.deadline, zone) in mine
    own = client.get(f"/my/{appeal.public_id}/").content.decode()
    assert long(appeal.deadline, zone) in own and long(appeal.created_at, zone) in own
    # The citizen's letter and the moderator's queue notice.
    assert long(appeal.deadline, zone) in letter_to(appeal.citizen.email, appeal.number)
    notice = letter_to(demo_staff()["moderator"].email, appeal.number)
    assert short(appeal.deadline, zone) in notice
    # The queue's export: a date cell on the region's clock.
    client.force_login(demo_staff()["moderator"])
    response = client.get("/admin/queues/moderation/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    header, row = rows[0], next(r for r in rows if r[0] == appeal.number)
    cells = dict(zip(header, row))
    expected = appeal.deadline.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    assert cells["Срок"].replace(second=0, microsecond=0) == expected
    csv = client.get("/admin/queues/moderation/", {"export": "csv"})
    assert short(appeal.created_at, zone) in b"".join(csv.streaming_content).decode()


def test_postponement_and_answer_on_the_region_clock(registered, zone, client,
                                                     django_capture_on_commit_callbacks):
    staff = demo_staff()
    appeal = registered
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
        actions.do_assign_executor(appeal.pk, staff["coordinator"], staff["executor"])
    appeal.refresh_from_db()
    day = appeal.deadline.astimezone(zone).date()  # within any limit: the current deadline
    client.force_login(fresh(staff["executor"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/messages/{appeal.pk}/act/propose_postponement/", {
            "propose_postponement-version": appeal.version,
            "propose_postponement-reasons": "Нужен сезон",
            "propose_postponement-until": day.isoformat()})
    assert response.status_code == 302
    typed = day.strftime("%d.%m.%Y")
    client.force_login(fresh(staff["head"]))
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert f"До: {typed}" in page
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_approve_postponement(appeal.pk, staff["head"])
    appeal.refresh_from_db()
    assert appeal.status == Status.POSTPONED
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert f"{typed} 23:59" in page
    client.force_login(appeal.citizen)
    own = client.get(f"/my/{appeal.public_id}/").content.decode()
    assert f"{day.day} {MONTHS[day.month - 1]} {day.year} г. 23:59" in own
    assert typed in letter_to(appeal.citizen.email, appeal.number)

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_resume_appeal(appeal.pk, fresh(staff["executor"]))
        actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Отремонтируем")
        answer = actions.do_approve_answer(appeal.pk, staff["head"])
    own = client.get(f"/my/{appeal.public_id}/").content.decode()
    assert long(answer.published_at, zone) in own
    assert long(answer.published_at, SERVER) not in own
    client.force_login(fresh(staff["head"]))
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert short(answer.submitted_at, zone) in page
    assert short(answer.submitted_at, SERVER) not in page


def test_a_plugin_panel_reads_the_region_clock(zone, client, plugin_manager, tmp_path,
                                               settings):
    # A plugin's panel formats with Django's own |date: the page renders on the region's
    # clock, so its times agree with the header.
    from cms.kernel.hookspecs import PagePanel
    from cms.kernel.plugins import hookimpl
    from tests.workflow.builders import message

    (tmp_path / "clock.html").write_text(
        '<p data-clock>{{ appeal.created_at|date:"d.m.Y H:i" }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]

    class Clock:
        @hookimpl
        def appeal_admin_panels(self, appeal, request):
            return [PagePanel("Часы", "clock.html", {})]

    plugin_manager.register(Clock(), name="clock")
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    client.force_login(demo_staff()["moderator"])
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert f"<p data-clock>{short(appeal.created_at, zone)}</p>" in page


def test_a_typed_deadline_range_means_the_region_days(demo, client):
    from datetime import datetime

    from tests.workflow.builders import message

    demo.time_zone = "Asia/Kamchatka"
    demo.save(update_fields=["time_zone"])
    zone = ZoneInfo("Asia/Kamchatka")
    # 21.01 05:00 in Kamchatka is still 20.01 in Moscow.
    early = message(Status.ON_MODERATION, "cur",
                    deadline=datetime(2027, 1, 21, 5, 0, tzinfo=zone))
    client.force_login(demo_staff()["moderator"])
    page = client.get("/admin/queues/moderation/", {"deadline_from": "2027-01-21",
                                                    "deadline_to": "2027-01-21"})
    assert f">{early.number}<" in page.content.decode()
    page = client.get("/admin/queues/moderation/", {"deadline_to": "2027-01-20"})
    assert f">{early.number}<" not in page.content.decode()
