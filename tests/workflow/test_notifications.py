"""Notifications: recorded in the outbox, retried on failure, visible when they give up."""

import pytest
from django.core import mail

from cms.kernel.hookspecs import EmailSection
from cms.kernel.plugins import hookimpl
from cms.models import Notification, NotificationState, Role, Status
from cms.notifications import outbox
from cms.notifications.tasks import retry_pending_notifications_task
from cms.workflow import actions
from tests.workflow import builders
from tests.workflow.builders import demo_staff, message


class Outage:
    """An SMTP server that is down for the first `failures` letters."""

    def __init__(self, failures):
        self.failures = failures
        self.deliver = outbox.deliver

    def __call__(self, message, hand_over):
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionRefusedError("smtp down")
        return self.deliver(message, hand_over)


@pytest.fixture
def rejected(demo, django_capture_on_commit_callbacks):
    """A rejection whose letter to the citizen is recorded but not yet sent."""
    appeal = message(Status.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=False):
        actions.do_reject_appeal(appeal.pk, demo_staff()["moderator"], "Не проблема")
    return Notification.objects.get(appeal=appeal, template="appeal_rejected")


def test_a_failed_delivery_is_recorded_and_retried(rejected, monkeypatch):
    monkeypatch.setattr(outbox, "deliver", Outage(failures=1))
    assert outbox.send_notification(rejected.pk) is False
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.PENDING and rejected.attempts == 1
    assert "smtp down" in rejected.last_error
    # The scheduled sweep picks it up again (tasks run inline in the tests).
    assert retry_pending_notifications_task() == 1
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.SENT and rejected.attempts == 2
    assert "Не проблема" in mail.outbox[-1].body


def test_after_the_last_attempt_it_waits_for_a_person(rejected, monkeypatch, client,
                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "deliver", Outage(failures=outbox.MAX_ATTEMPTS))
    for _attempt in range(outbox.MAX_ATTEMPTS):
        outbox.send_notification(rejected.pk)
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.FAILED
    assert retry_pending_notifications_task() == 0

    editor = demo_staff()["editor"]
    client.force_login(editor)
    failed_page = client.get("/admin/oversight/failed/").content.decode()
    assert rejected.email in failed_page
    menu = client.get("/admin/").content.decode().encode().decode("unicode_escape")
    assert "Недоставленные уведомления (1)" in menu  # Russian by default
    letter = client.get(f"/admin/oversight/failed/inspect/{rejected.pk}/").content.decode()
    assert "Не проблема" in letter

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/oversight/outbox/{rejected.pk}/retry/")
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.SENT
    assert rejected.attempts == outbox.MAX_ATTEMPTS + 1


def test_staff_outside_the_region_administration_see_no_outbox(rejected, client):
    client.force_login(demo_staff()["moderator"])
    assert client.get("/admin/oversight/outbox/").status_code in (302, 403)
    response = client.post(f"/admin/oversight/outbox/{rejected.pk}/retry/")
    rejected.refresh_from_db()
    assert response.status_code == 302 and rejected.attempts == 0


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("template", [
    "appeal_registered", "clarification_requested", "appeal_rejected", "appeal_postponed",
    "appeal_answered", "queue_new_message", "returned_for_rework", "approval_waiting",
])
def test_every_letter_renders(template, language, demo):
    appeal = message(Status.ON_MODERATION)
    letter = Notification(template=template, email="x@example.org", appeal=appeal, context={
        "number": appeal.number, "status": "On moderation", "reason": "Причина",
        "question": "Вопрос", "due": "01.12.2026", "reasons": "Сезон", "until": "20.12.2026",
        "answer": "Ответ", "link": "https://pos.example/my/1/", "language": language})
    subject, body = outbox.render(letter)
    assert appeal.number in subject and appeal.number in body
    assert "{" not in subject + body


class AddsSections:
    """A test plugin adding two sections, out of order, to the given core e-mails."""

    def __init__(self, *templates):
        self.templates = templates
        self.asked = []

    @hookimpl
    def email_sections(self, template, appeal, event, context):
        self.asked.append((template, appeal.pk, event.kind if event else None,
                           context.get("number")))
        if template not in self.templates:
            return None
        return [EmailSection(template="tests/email/second.txt", context={"n": 2}, order=200),
                EmailSection(template="tests/email/first.txt", context={"n": 1}, order=10)]


@pytest.fixture
def section_templates(tmp_path, settings):
    folder = tmp_path / "templates" / "tests" / "email"
    folder.mkdir(parents=True)
    (folder / "first.txt").write_text("First section {{ n }} for {{ number }}\n")
    (folder / "second.txt").write_text("{% load i18n %}{% translate 'Reason:' %} {{ n }}\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def test_hook_email_sections(demo, plugin_manager, section_templates,
                             django_capture_on_commit_callbacks):
    plugin = AddsSections("appeal_rejected")
    plugin_manager.register(plugin, name="test-sections")
    appeal = message(Status.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reject_appeal(appeal.pk, demo_staff()["moderator"], "Не проблема")
    assert ("appeal_rejected", appeal.pk, "status_changed", appeal.number) in plugin.asked
    letter = Notification.objects.get(appeal=appeal, template="appeal_rejected")
    ours = [section["context"] for section in letter.context[outbox.SECTIONS]
            if section["template"].startswith("tests/email/")]
    assert ours == [{"n": 1}, {"n": 2}]
    # In order, after the core's text, in the letter's language.
    body = mail.outbox[-1].body
    core, first, second = (body.index("Не проблема"),
                           body.index(f"First section 1 for {appeal.number}"),
                           body.index("Причина: 2"))
    assert core < first < second


def test_the_registration_letter_asks_for_sections_too(demo, plugin_manager,
                                                       section_templates):
    plugin = AddsSections("appeal_registered")
    plugin_manager.register(plugin, name="test-sections")
    from cms.submission.registration import NewAppeal, do_register_appeal
    from tests import factories

    sub = factories.subcategory("01.01")
    author = builders.citizen()
    appeal, _created = do_register_appeal(NewAppeal(
        region=demo, citizen=author, category=sub.category, subcategory=sub,
        territory=factories.territory("gorsk", demo), text="Яма"))
    letter = Notification.objects.get(appeal=appeal, template="appeal_registered")
    _subject, body = outbox.render(letter)
    assert f"First section 1 for {appeal.number}" in body


def test_staff_told_of_one_change_cost_one_question(demo, plugin_manager,
                                                    django_capture_on_commit_callbacks):
    plugin = AddsSections()
    plugin_manager.register(plugin, name="test-sections")
    builders.staff_member("coordinator-2", "adm-gorsk", Role.COORDINATOR)
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    with django_capture_on_commit_callbacks(execute=False):
        actions.do_pass_on_appeal(appeal.pk, demo_staff()["moderator"])
    staff_letters = Notification.objects.filter(appeal=appeal, template="queue_new_message")
    assert staff_letters.count() >= 2
    assert [asked[0] for asked in plugin.asked] == ["queue_new_message"]


def test_a_plugin_names_its_own_template_by_its_path(demo, section_templates):
    (section_templates / "letter.txt").write_text("Subject {{ number }}\nBody {{ number }}\n")
    appeal = message(Status.ON_MODERATION)
    letter = Notification(template="tests/email/letter.txt", email="x@example.org",
                          appeal=appeal, context={"number": appeal.number})
    assert outbox.render(letter) == (f"Subject {appeal.number}", f"Body {appeal.number}\n")
    assert outbox.template_path("appeal_answered") == "cms/email/appeal_answered.txt"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_answered_letter_promises_no_rating_form(language, demo):
    appeal = message(Status.ON_MODERATION)
    letter = Notification(template="appeal_answered", email="x@example.org", appeal=appeal,
                          context={"number": appeal.number, "answer": "Ответ",
                                   "link": "https://pos.example/my/1/",
                                   "language": language})
    _subject, body = outbox.render(letter)
    assert "https://pos.example/my/1/" in body
    assert "оцен" not in body.lower() and "rating" not in body.lower()
