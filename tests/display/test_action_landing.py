"""Every staff action lands on a page that exists and shows its own success message
there, on that request (issue 11, finding 9): a coordinator who redirects a message loses
access to it, so they land on their queue, not on "Ошибка 404"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cms.models import Status
from cms.staff_admin.forms import RejectForm
from cms.workflow.table import Action
from tests import factories
from tests.workflow.builders import demo_staff, fresh, message


@pytest.fixture
def staff(demo):
    return demo_staff()


def _reject_data(appeal):
    form = RejectForm(appeal=appeal)
    key = next(choice.key for choice in form.choices if not choice.needs_reference)
    return {"reason": key, "details": "Подробности"}


# (action, status of the message, who acts, the form's fields)
CASES = [
    (Action.PASS_ON, Status.ON_MODERATION, "moderator", lambda a, s: {"note": "Для УК"}),
    (Action.REJECT, Status.ON_MODERATION, "moderator", lambda a, s: _reject_data(a)),
    (Action.ASK_CITIZEN, Status.ON_MODERATION, "moderator",
     lambda a, s: {"question": "Какой дом?"}),
    (Action.ASSIGN_EXECUTOR, Status.SENT_TO_ORGANISATION, "coordinator",
     lambda a, s: {"executor": s["executor"].pk}),
    (Action.REDIRECT, Status.SENT_TO_ORGANISATION, "coordinator",
     lambda a, s: {"organisation": factories.organisation("uad").pk,
                   "reason": "Дорога областная"}),
    (Action.SUBMIT_ANSWER, Status.IN_WORK, "executor", lambda a, s: {"text": "Сделаем."}),
    (Action.PROPOSE_POSTPONEMENT, Status.IN_WORK, "executor",
     lambda a, s: {"reasons": "Нужен сезон",
                   "until": (timezone.localdate() + timedelta(days=20)).isoformat()}),
    (Action.APPROVE_ANSWER, Status.ON_APPROVAL, "head", lambda a, s: {}),
    (Action.RETURN_TO_EXECUTOR, Status.ON_APPROVAL, "head",
     lambda a, s: {"remarks": "Уточните сроки"}),
    (Action.REOPEN, Status.ANSWERED, "curator", lambda a, s: {"reason": "Не сделано"}),
    (Action.CLOSE, Status.ANSWERED, "curator", lambda a, s: {}),
    (Action.COMMENT, Status.IN_WORK, "coordinator", lambda a, s: {"text": "Проверить"}),
]


@pytest.mark.parametrize("action, status, role, fields", CASES,
                         ids=[case[0].value for case in CASES])
def test_each_action_lands_on_a_page_with_its_own_success_message(
        staff, client, action, status, role, fields, django_capture_on_commit_callbacks):
    appeal = message(status, executor=staff["executor"] if status in (
        Status.IN_WORK, Status.ON_APPROVAL, Status.ANSWERED) else None)
    client.force_login(fresh(staff[role]))
    data = {f"{action.value}-{name}": value
            for name, value in {"version": appeal.version, **fields(appeal, staff)}.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/messages/{appeal.pk}/act/{action.value}/", data,
                               follow=True)
    with translation.override("ru"):
        done = f"Выполнено: {action.label}."
    assert response.redirect_chain, response.content.decode()[:2000]
    assert response.status_code == 200, response.redirect_chain
    page = response.content.decode()
    assert done in page
    # Shown once, on the landing page: not left over for the next page.
    assert done not in client.get("/admin/").content.decode()


def test_after_a_redirect_the_coordinator_lands_on_their_queue(staff, client):
    appeal = message(Status.SENT_TO_ORGANISATION)
    client.force_login(fresh(staff["coordinator"]))
    response = client.post(f"/admin/messages/{appeal.pk}/act/redirect/", {
        "redirect-version": appeal.version,
        "redirect-organisation": factories.organisation("uad").pk,
        "redirect-reason": "Дорога областная"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/queues/")
    assert "Ошибка 404" not in client.get(response["Location"]).content.decode()
