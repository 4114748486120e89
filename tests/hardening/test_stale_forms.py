"""Finding 1: every action form posted from a page someone else acted on meanwhile gets
the 409 "changed by …, reload" page with what the user typed shown back, never a 500.

Two ways the page goes out of date: a change that leaves the action open (the form is
still valid, the write path refuses the old version), and the other person's action that
moves the message on (the form may no longer fit: a status without this action, an
executor already assigned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from cms.models import (
    Appeal,
    AppealEvent,
    EventKind,
    Organisation,
    Role,
    Status,
    Subcategory,
)
from cms.workflow import actions
from cms.workflow.reasons import REWORK_REASONS, find_reason, rejection_reasons
from tests.workflow.builders import (
    demo_staff,
    fresh,
    message,
    pending_postponement,
    staff_member,
)


@dataclass
class Case:
    action: str
    status: str
    actor: str  # a demo staff account
    typed: dict = field(default_factory=dict)  # field → what the user typed
    shown: tuple = ()  # what the 409 page must show of it
    with_executor: bool = False
    postponement: bool = False


def typed_for(case: Case, region) -> tuple[dict, tuple]:
    """The post's fields and what the page must show back; choices resolved here."""
    data, shown = dict(case.typed), list(case.shown)
    if case.action == "reject":
        reason = next(c for c in rejection_reasons(region) if not c.needs_reference)
        data["reason"] = reason.key
        shown.append(str(reason.label))
    if case.action in ("change_organisation", "redirect"):
        other = Organisation.objects.get(region=region, code="uad")
        data["organisation"] = other.pk
        shown.append(str(other))
    if case.action == "change_category":
        data["subcategory"] = Subcategory.objects.exclude(code="01.01").order_by("pk")[0].pk
    if case.action == "assign_executor":
        executor = staff_member("second.executor", "adm-gorsk", Role.EXECUTOR)
        executor.first_name, executor.last_name = "Пётр", "Исполнителев"
        executor.save()
        data["executor"] = executor.pk
        shown.append("Пётр Исполнителев")
    return data, tuple(shown)


LATER = (timezone.localdate() + timedelta(days=20)).isoformat()

CASES = [
    Case("pass_on", Status.ON_MODERATION, "moderator", {"note": "Срочно, провал"},
         ("Срочно, провал",)),
    Case("change_category", Status.ON_MODERATION, "moderator",
         {"reason": "Не та рубрика"}, ("Не та рубрика",)),
    Case("change_organisation", Status.ON_MODERATION, "moderator",
         {"reason": "Это улица района"}, ("Это улица района",)),
    Case("reject", Status.ON_MODERATION, "moderator",
         {"details": "Без адреса & без фото"}, ("Без адреса &amp; без фото",)),
    Case("ask_citizen", Status.ON_MODERATION, "moderator",
         {"question": "Уточните номер дома"}, ("Уточните номер дома",)),
    Case("assign_executor", Status.SENT_TO_ORGANISATION, "coordinator"),
    Case("redirect", Status.SENT_TO_ORGANISATION, "coordinator",
         {"reason": "Дорога областная"}, ("Дорога областная",)),
    Case("submit_answer", Status.IN_WORK, "executor",
         {"text": "Яму заделаем до пятницы"}, ("Яму заделаем до пятницы", "akt.pdf"),
         with_executor=True),
    Case("propose_postponement", Status.IN_WORK, "executor",
         {"reasons": "Нужен асфальтовый сезон", "until": LATER},
         ("Нужен асфальтовый сезон",), with_executor=True),
    Case("approve_answer", Status.ON_APPROVAL, "head", with_executor=True),
    Case("approve_postponement", Status.ON_APPROVAL, "head", with_executor=True,
         postponement=True),
    Case("return_to_executor", Status.ON_APPROVAL, "head", {"remarks": "Добавьте фото"},
         ("Добавьте фото",), with_executor=True),
    Case("resume", Status.POSTPONED, "executor", with_executor=True),
    Case("return_for_rework", Status.ANSWERED, "curator",
         {"reason": "no_date", "details": "Сроков нет"},
         ("Сроков нет", find_reason(REWORK_REASONS, "no_date").label),
         with_executor=True),
    Case("reopen", Status.ANSWERED, "curator", {"reason": "Жалоба повторная"},
         ("Жалоба повторная",), with_executor=True),
    Case("close", Status.ANSWERED, "curator", with_executor=True),
]


@pytest.fixture
def staff(demo):
    return demo_staff()


def opened_page(case: Case, staff):
    """The message in the case's status, and the user's post from a page opened now."""
    appeal = message(case.status, "adm-gorsk",
                     executor=staff["executor"] if case.with_executor else None)
    if case.postponement:
        pending_postponement(appeal)
    appeal.refresh_from_db()
    data, shown = typed_for(case, appeal.region)
    post = {f"{case.action}-{name}": value for name, value in data.items()}
    post[f"{case.action}-version"] = appeal.version
    if case.action == "submit_answer":
        post[f"{case.action}-files"] = SimpleUploadedFile("akt.pdf", b"%PDF-1.4 test",
                                                          "application/pdf")
    return appeal, post, shown


def someone_else_changed(appeal, other):
    """Another member of staff changed the message (setup: one step of theirs)."""
    AppealEvent.objects.create(appeal=appeal, kind=EventKind.DEADLINE_CHANGED, actor=other,
                               reason="Продлили")
    Appeal.objects.filter(pk=appeal.pk).update(version=F("version") + 1)


def assert_outdated_page(response, other_name, shown):
    assert response.status_code == 409, response.content.decode()[:2000]
    page = response.content.decode()
    assert other_name in page
    assert 'class="pos-unsent"' in page or not shown
    for text in shown:
        assert str(text) in page, text


@pytest.mark.parametrize("case", CASES, ids=[case.action for case in CASES])
def test_a_form_posted_after_a_change_gets_409_and_keeps_the_input(client, staff, case):
    other = staff_member("other.person", "adm-gorsk", Role.COORDINATOR)
    other.first_name, other.last_name = "Вера", "Опередившая"
    other.save()
    appeal, post, shown = opened_page(case, staff)
    someone_else_changed(appeal, other)
    before = Appeal.objects.values("status", "version").get(pk=appeal.pk)
    client.force_login(staff[case.actor])

    response = client.post(f"/admin/messages/{appeal.pk}/act/{case.action}/", post)

    assert_outdated_page(response, "Вера Опередившая", shown)
    assert Appeal.objects.values("status", "version").get(pk=appeal.pk) == before


def test_a_moderators_reject_after_another_passed_it_on(client, staff):
    """The reported 500 (KeyError: 'reason_text')."""
    second = staff_member("second.moderator", "cur", Role.MODERATOR)
    second.first_name, second.last_name = "Инна", "Быстрова"
    second.save()
    case = CASES[[c.action for c in CASES].index("reject")]
    appeal, post, shown = opened_page(case, staff)
    actions.do_pass_on_appeal(appeal.pk, fresh(second), version=appeal.version)
    client.force_login(staff["moderator"])

    response = client.post(f"/admin/messages/{appeal.pk}/act/reject/", post)

    assert_outdated_page(response, "Инна Быстрова", shown)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.SENT_TO_ORGANISATION


def test_a_curators_rework_after_another_closed_it(client, staff):
    second = staff_member("second.curator", "admin-gov", Role.CURATOR)
    second.first_name, second.last_name = "Олег", "Закрывающий"
    second.save()
    case = CASES[[c.action for c in CASES].index("return_for_rework")]
    appeal, post, shown = opened_page(case, staff)
    actions.do_close_appeal(appeal.pk, fresh(second), version=appeal.version)
    client.force_login(staff["curator"])

    response = client.post(f"/admin/messages/{appeal.pk}/act/return_for_rework/", post)

    assert_outdated_page(response, "Олег Закрывающий", shown)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.CLOSED


def test_an_executor_assigned_meanwhile_no_longer_fits_the_form(client, staff):
    """The other coordinator assigned the very executor this one chose: the choice is gone
    from the form, which is still the 409 page, not the form's 400."""
    second = staff_member("second.coordinator", "adm-gorsk", Role.COORDINATOR)
    second.first_name, second.last_name = "Роман", "Первый"
    second.save()
    case = CASES[[c.action for c in CASES].index("assign_executor")]
    appeal, post, shown = opened_page(case, staff)
    chosen = post["assign_executor-executor"]
    actions.do_assign_executor(appeal.pk, fresh(second),
                               fresh(type(second).objects.get(pk=chosen)),
                               version=appeal.version)
    client.force_login(staff["coordinator"])

    response = client.post(f"/admin/messages/{appeal.pk}/act/assign_executor/", post)

    assert_outdated_page(response, "Роман Первый", shown)


def test_a_comment_from_an_old_page_is_still_added(client, staff):
    """Comments are not versioned (the workflow table): nothing to refuse."""
    appeal = message(Status.ON_MODERATION, "adm-gorsk")
    post = {"comment-version": appeal.version, "comment-text": "Посмотрю завтра"}
    someone_else_changed(appeal, staff["coordinator"])
    client.force_login(staff["moderator"])

    response = client.post(f"/admin/messages/{appeal.pk}/act/comment/", post)

    assert response.status_code == 302
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.COMMENT).count() == 1


def test_a_redirect_that_took_the_message_away_meanwhile(client, staff, monkeypatch):
    """The other coordinator's redirect commits while this one's waits for the row: this
    coordinator is no party to the message any more, and may not even see it. The 409
    page says it changed and keeps the input (not 'you may not take this action')."""
    from cms.staff_admin.forms import RedirectForm

    second = staff_member("second.coordinator", "adm-gorsk", Role.COORDINATOR)
    case = CASES[[c.action for c in CASES].index("redirect")]
    appeal, post, shown = opened_page(case, staff)
    uad = Organisation.objects.get(region=appeal.region, code="uad")
    original_run = RedirectForm.run

    def run_after_the_other(form, user):
        actions.do_redirect_appeal(appeal.pk, fresh(second), uad, "Не наше",
                                   version=appeal.version)
        return original_run(form, user)

    monkeypatch.setattr(RedirectForm, "run", run_after_the_other)
    client.force_login(staff["coordinator"])

    response = client.post(f"/admin/messages/{appeal.pk}/act/redirect/", post)

    assert response.status_code == 409
    page = response.content.decode()
    assert "data-out-of-reach" in page  # uad's message: not this coordinator's to see
    for text in shown:
        assert str(text) in page, text
    assert Appeal.objects.get(pk=appeal.pk).organisation_id == uad.pk
