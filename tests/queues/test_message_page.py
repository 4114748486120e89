"""The message page in the admin: what it shows to whom, its action forms, and what it
records."""

import pytest
from django.core.files.base import ContentFile

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl
from cms.models import (
    Attachment,
    AttachmentKind,
    AuditKind,
    AuditRecord,
    EventKind,
    Postponement,
    Status,
)
from cms.workflow import actions
from tests.workflow.builders import demo_staff, fresh, message, pending_postponement


@pytest.fixture
def staff(demo):
    return demo_staff()


def url(appeal, suffix=""):
    return f"/admin/messages/{appeal.pk}/{suffix}"


def test_the_moderator_sees_the_message_and_its_actions(client, staff):
    appeal = message(Status.ON_MODERATION, "cur")
    client.force_login(staff["moderator"])
    page = client.get(url(appeal)).content.decode()
    assert appeal.text in page
    for action in ("pass_on", "change_category", "change_organisation", "reject",
                   "ask_citizen"):
        assert f'data-action="{action}"' in page
    assert 'data-action="assign_executor"' not in page
    # Contact data is hidden until asked for, and asking is recorded.
    assert appeal.citizen.email not in page
    assert not AuditRecord.objects.filter(appeal=appeal).exists()
    page = client.get(url(appeal), {"contact": "1"}, REMOTE_ADDR="10.9.8.7").content.decode()
    assert appeal.citizen.email in page
    record = AuditRecord.objects.get(appeal=appeal)
    assert (record.kind, record.actor, record.address) == (
        AuditKind.VIEW_PERSONAL_DATA, staff["moderator"], "10.9.8.7")


def test_an_action_form_moves_the_message_and_is_audited(client, staff):
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    client.force_login(staff["moderator"])
    response = client.post(url(appeal, "act/pass_on/"),
                           {"pass_on-version": appeal.version, "pass_on-note": "Срочно"},
                           REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.SENT_TO_ORGANISATION
    record = AuditRecord.objects.get(appeal=appeal, kind=AuditKind.ACTION)
    assert (record.what, record.address) == ("pass_on", "10.0.0.5")


def test_a_form_opened_before_a_change_is_refused_and_keeps_what_was_typed(client, staff):
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    opened = appeal.version
    other = fresh(staff["curator"])
    actions.do_add_comment(appeal.pk, other, "Смотрю")  # a comment changes nothing
    actions.do_change_organisation(appeal.pk, staff["moderator"],
                                   appeal.organisation.__class__.objects.get(code="uad"))
    client.force_login(staff["moderator"])
    response = client.post(url(appeal, "act/ask_citizen/"),
                           {"ask_citizen-version": opened,
                            "ask_citizen-question": "Уточните номер дома"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Анна Смирнова" in page
    assert "Уточните номер дома" in page
    appeal.refresh_from_db()
    assert appeal.status == Status.ON_MODERATION and appeal.version == opened + 1


def test_bad_input_is_shown_on_the_form(client, staff):
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    client.force_login(staff["moderator"])
    response = client.post(url(appeal, "act/reject/"),
                           {"reject-version": appeal.version, "reject-reason": "duplicate"})
    assert response.status_code == 400
    assert "Give the number of the other message" in response.content.decode() or (
        "номер" in response.content.decode())
    appeal.refresh_from_db()
    assert appeal.status == Status.ON_MODERATION


def test_staff_of_another_organisation_get_a_404_everywhere(client, staff):
    appeal = message(Status.IN_WORK, "uad")
    upload = Attachment(appeal=appeal, kind=AttachmentKind.CITIZEN, original_name="яма.jpg",
                        content_type="image/jpeg", size=3)
    upload.file.save("x.jpg", ContentFile(b"abc"), save=False)
    upload.save()
    client.force_login(staff["coordinator"])
    assert client.get(url(appeal)).status_code == 404
    assert client.post(url(appeal, "act/redirect/"), {}).status_code == 404
    assert client.get(f"/admin/messages/files/{upload.public_id}/").status_code == 404
    client.force_login(staff["editor"])
    assert client.get(url(appeal)).status_code == 404
    client.force_login(staff["curator"])
    download = client.get(f"/admin/messages/files/{upload.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"abc"
    assert AuditRecord.objects.filter(appeal=appeal, kind=AuditKind.DOWNLOAD,
                                      actor=staff["curator"]).count() == 1


def test_the_head_is_offered_the_decision_that_waits(client, staff):
    appeal = message(Status.ON_APPROVAL, "adm-gorsk", executor=staff["executor"])
    client.force_login(staff["head"])
    page = client.get(url(appeal)).content.decode()
    assert 'data-action="approve_answer"' in page
    assert 'data-action="approve_postponement"' not in page
    assert 'data-action="return_to_executor"' in page
    pending_postponement(appeal)
    page = client.get(url(appeal)).content.decode()
    assert 'data-action="approve_postponement"' in page
    assert 'data-action="approve_answer"' not in page
    assert Postponement.objects.filter(appeal=appeal).exists()


def test_comments_show_in_the_history_and_stay_internal(client, staff):
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    client.force_login(staff["curator"])
    response = client.post(url(appeal, "act/comment/"),
                           {"comment-version": appeal.version,
                            "comment-text": "Проверьте дубликаты"})
    assert response.status_code == 302
    event = appeal.events.get(kind=EventKind.COMMENT)
    assert not event.is_public
    assert "Проверьте дубликаты" in client.get(url(appeal)).content.decode()


def test_every_plugin_panel_is_rendered(client, staff, plugin_manager, tmp_path, settings):
    (tmp_path / "panel.html").write_text("<p>panel {{ appeal.number }} {{ extra }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]

    class Panels:
        @hookimpl
        def appeal_admin_panels(self, appeal, request):
            return [PagePanel("Первая", "panel.html", {"extra": "one"}),
                    PagePanel("Вторая", "panel.html", {"extra": "two"}, order=1)]

    plugin_manager.register(Panels(), name="panels")
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    client.force_login(staff["moderator"])
    page = client.get(url(appeal)).content.decode()
    assert f"panel {appeal.number} one" in page and f"panel {appeal.number} two" in page
    assert page.index("Вторая") < page.index("Первая")
