"""An API-filed message is a message like any other: routed, timed, moderated and
answered on the workflow's paths, and its status and notes follow through GET."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from cms.models import Appeal, AppealEvent, Channel, EventKind, Notification
from cms.portal.history import public_history
from cms.portal.models import SubmissionPageField
from cms.submission.registration import NewAppeal, do_register_appeal
from cms.workflow import actions
from plugins.open311.models import FiledRequest, Integration
from tests import factories
from tests.workflow.builders import demo_staff, fresh

from .api_support import *
from .api_support import PHOTO_SERVICE, SERVICE, body, filing_data, post, url

QUESTION = "obrashchalis_li_vy_po_etomu_voprosu_ranshe"


def get_request(client, request_id: str, **params) -> dict:
    response = client.get(url("request", request_id=request_id),
                          {"jurisdiction_id": "demo", **params})
    assert response.status_code == 200, response.content
    (entry,) = response.json()
    return entry


def test_an_api_message_is_routed_timed_moderated_and_answered_like_any_other(
        client, epgu, django_capture_on_commit_callbacks):
    integration, key = epgu
    staff = demo_staff()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key, **{f"attribute[{QUESTION}]": "Нет"})
    assert response.status_code == 201, response.content
    (filed,) = response.json()
    appeal = Appeal.objects.select_related("region").get(number=filed["service_request_id"])

    # Filed on the API channel by this integration, by the citizen ЕСИА named.
    assert appeal.channel == Channel.API
    assert appeal.open311_filing.integration == integration
    assert appeal.citizen.get_full_name() == "Анна Иванова"
    assert appeal.extra_answers[QUESTION]["value"] == "Нет"
    assert appeal.address == "ул. Ленина, 5"
    assert str(appeal.latitude) == "55.751244"

    # Routed and timed exactly as the portal's registration does it for the same message.
    sub = factories.subcategory(SERVICE)
    twin, _ = do_register_appeal(NewAppeal(
        region=appeal.region, citizen=appeal.citizen, category=sub.category, subcategory=sub,
        territory=appeal.territory, text="То же через портал"))
    assert appeal.organisation == twin.organisation
    assert appeal.deadline.date() == twin.deadline.date()
    kinds = list(appeal.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == list(twin.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[:3] == [EventKind.REGISTERED, EventKind.ROUTED, EventKind.DEADLINE_CHANGED]
    # The citizen's confirmation and the moderators' queue notice, as for the portal.
    assert Notification.objects.filter(appeal=appeal, template="appeal_registered",
                                       recipient=appeal.citizen).exists()
    assert Notification.objects.filter(appeal=appeal, template="queue_new_message").exists()

    entry = get_request(client, appeal.number)
    assert entry["status"] == "open"
    assert entry["status_notes"].startswith(public_history(appeal)[-1].text)
    assert entry["agency_responsible"] == appeal.organisation.name
    assert entry["expected_datetime"] is not None

    with django_capture_on_commit_callbacks(execute=True):
        if appeal.organisation.code != "adm-gorsk":
            actions.do_change_organisation(appeal.pk, staff["moderator"],
                                           factories.organisation("adm-gorsk"))
        actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
    passed_on = get_request(client, appeal.number)
    assert passed_on["status"] == "open"
    assert passed_on["status_notes"] != entry["status_notes"]
    assert passed_on["agency_responsible"] == factories.organisation("adm-gorsk").name

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_executor(appeal.pk, staff["coordinator"], staff["executor"])
        actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Яму заделали 3 июня.")
        actions.do_approve_answer(appeal.pk, staff["head"])
    appeal.refresh_from_db()
    answered = get_request(client, appeal.number)
    assert answered["status"] == "closed"
    assert answered["status_notes"].startswith(public_history(appeal)[-1].text)
    assert answered["updated_datetime"] >= passed_on["updated_datetime"]
    assert Notification.objects.filter(appeal=appeal, template="appeal_answered",
                                       recipient=appeal.citizen).exists()


def test_a_rejection_closes_the_request_with_its_public_reason(client, epgu):
    (filed,) = body(post(client, epgu[1]))
    appeal = Appeal.objects.get(number=filed["service_request_id"])
    actions.do_reject_appeal(appeal.pk, demo_staff()["moderator"], "Не относится к региону")
    entry = get_request(client, appeal.number)
    assert entry["status"] == "closed"
    assert "Не относится к региону" in entry["status_notes"]
    assert entry["expected_datetime"] is None and entry["service_notice"] == ""


def test_the_same_idempotency_key_files_one_message(client, epgu, demo):
    key = {"Idempotency-Key": "epgu-42"}
    first = post(client, epgu[1], headers=key)
    again = post(client, epgu[1], headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert FiledRequest.objects.count() == 1
    # Another integration's key of the same text is its own.
    other = Integration.objects.create(region=demo, name="Городское приложение",
                                       channel_label="API: городское приложение",
                                       vouches_for_esia=True, rate_per_minute=100)
    third = post(client, other.issue_key(), headers=key)
    assert third.status_code == 201
    assert third.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Appeal.objects.filter(channel=Channel.API).count() == 2


def test_each_answer_type_reaches_the_pages_question(client, epgu, general):
    for label, field_type, choices in [("Сколько ям", "number", ""),
                                       ("Что повреждено", "checkboxes", "Асфальт\nБордюр"),
                                       ("Срочно", "checkbox", ""),
                                       ("Когда заметили", "date", "")]:
        SubmissionPageField.objects.create(page=general, label=label, field_type=field_type,
                                           choices=choices, required=True)
    codes = {a["description"]: a["code"] for a in client.get(
        url("service", service_code=SERVICE), {"jurisdiction_id": "demo"}).json()["attributes"]}
    response = client.post(url("requests"), {
        **filing_data(epgu[1]),
        f"attribute[{codes['Сколько ям']}]": "3",
        f"attribute[{codes['Что повреждено']}][]": ["Асфальт", "Бордюр"],
        f"attribute[{codes['Срочно']}]": "true",
        f"attribute[{codes['Когда заметили']}]": "2026-11-30",
    })
    assert response.status_code == 201, response.content
    answers = Appeal.objects.get(number=response.json()[0]["service_request_id"]).extra_answers
    assert answers[codes["Сколько ям"]]["value"] in (3, "3", 3.0)
    assert answers[codes["Что повреждено"]]["value"] == ["Асфальт", "Бордюр"]
    assert answers[codes["Срочно"]]["value"] is True
    assert answers[codes["Когда заметили"]]["value"] == "2026-11-30"


def test_a_required_attribute_left_out_is_400(client, epgu, general):
    SubmissionPageField.objects.create(page=general, label="Сколько ям", field_type="number",
                                       required=True)
    response = post(client, epgu[1])
    assert response.status_code == 400
    assert any(error["description"].startswith("attribute[") for error in response.json())
    assert not Appeal.objects.filter(channel=Channel.API).exists()


# --- media: fetched, then checked by the page's rules like a portal upload ----------------


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


class PhotoHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # the stdlib names it
        payload = png_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def photo_server(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PhotoHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = ["127.0.0.1"]
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_photo_by_media_url_is_stored_as_the_citizens_file(client, epgu, photo_server):
    media_url = f"{photo_server}/yama.png"
    response = post(client, epgu[1], service_code=PHOTO_SERVICE, media_url=media_url)
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    (attachment,) = appeal.attachments.all()
    assert attachment.content_type == "image/png" and attachment.size == len(png_bytes())
    assert attachment.uploaded_by == appeal.citizen
    # Only the filer reads the media address back.
    own = get_request(client, appeal.number, api_key=epgu[1])
    assert own["media_url"] == media_url
    assert get_request(client, appeal.number)["media_url"] is None


def test_a_refused_media_url_files_nothing(client, epgu, settings):
    settings.OPEN311_MEDIA_ALLOWED_HOSTS = []
    response = post(client, epgu[1], service_code=PHOTO_SERVICE,
                    media_url="http://127.0.0.1:9/yama.png")
    assert response.status_code == 400
    assert "media_url" in response.json()[0]["description"]
    assert not AppealEvent.objects.filter(appeal__channel=Channel.API).exists()
