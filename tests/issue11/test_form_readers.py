"""Finding 7 of issue 11, "no warning on the form": every free-text field of every staff
action says who will read it, and what it says is true. The text is posted through the
real action endpoint, and the citizen reads it (on their message's page or in a letter
to them) exactly when the form said "Это увидит заявитель." (tests/display/test_notes.py
checks the moderator's note alone.)"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse

from cms.models import Status
from cms.staff_admin.forms import RejectForm
from cms.workflow import actions
from tests import factories
from tests.workflow.builders import demo_staff, fresh, message

CITIZEN = "Это увидит заявитель."
STAFF = "Это увидят только сотрудники."
# Where each role's action forms are: (status, role).
PAGES = [(Status.ON_MODERATION, "moderator"),
         (Status.SENT_TO_ORGANISATION, "coordinator"),
         (Status.IN_WORK, "executor"), (Status.IN_WORK, "coordinator"),
         (Status.ON_APPROVAL, "head"), (Status.ANSWERED, "curator"),
         (Status.POSTPONED, "executor")]
EXECUTED = (Status.IN_WORK, Status.ON_APPROVAL, Status.ANSWERED, Status.POSTPONED)


@pytest.fixture
def staff(demo):
    return demo_staff()


def executor_for(status, staff):
    return staff["executor"] if status in EXECUTED else None


def staff_page(client, user, appeal) -> BeautifulSoup:
    client.force_login(fresh(user))
    response = client.get(f"/admin/messages/{appeal.pk}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def readers(soup, name: str) -> str:
    field = soup.select_one(f"textarea[name='{name}']")
    assert field is not None, name
    help_block = soup.select_one(f"#{field['id']}-helptext")
    return " ".join(help_block.get_text(" ").split()) if help_block else ""


def test_every_free_text_field_says_who_reads_it(staff, client):
    seen = set()
    for status, role in PAGES:
        appeal = message(status, executor=executor_for(status, staff))
        soup = staff_page(client, staff[role], appeal)
        for field in soup.select("form textarea[name]"):
            said = readers(soup, field["name"])
            assert (CITIZEN in said) != (STAFF in said), (role, field["name"], said)
            seen.add(field["name"])
    # The pages above hold the workflow's text fields (not a vacuous pass).
    assert {"pass_on-note", "reject-details", "ask_citizen-question", "redirect-reason",
            "submit_answer-text", "propose_postponement-reasons",
            "return_to_executor-remarks", "reopen-reason", "comment-text"} <= seen, seen


def _reject(appeal, staff):
    choices = RejectForm(appeal=appeal).choices
    key = next(choice.key for choice in choices if not choice.needs_reference)
    return {"reason": key}


def _approve_answer(appeal, staff):
    actions.do_approve_answer(appeal.pk, staff["head"])


def _approve_postponement(appeal, staff):
    actions.do_approve_postponement(appeal.pk, staff["head"])


# (action, its text field, status, role, other fields, what follows before the citizen
# could read it: the head's approval of an answer or a postponement)
CASES = [
    ("pass_on", "note", Status.ON_MODERATION, "moderator", None, None),
    ("reject", "details", Status.ON_MODERATION, "moderator", _reject, None),
    ("ask_citizen", "question", Status.ON_MODERATION, "moderator", None, None),
    ("redirect", "reason", Status.SENT_TO_ORGANISATION, "coordinator",
     lambda a, s: {"organisation": factories.organisation("uad").pk}, None),
    ("submit_answer", "text", Status.IN_WORK, "executor", None, _approve_answer),
    ("propose_postponement", "reasons", Status.IN_WORK, "executor",
     lambda a, s: {"until": a.deadline.date().isoformat()}, _approve_postponement),
    ("return_to_executor", "remarks", Status.ON_APPROVAL, "head", None, None),
    ("reopen", "reason", Status.ANSWERED, "curator", None, None),
    ("comment", "text", Status.IN_WORK, "coordinator", None, None),
]


@pytest.mark.parametrize("action, field, status, role, extra, then", CASES,
                         ids=[case[0] for case in CASES])
def test_what_the_form_says_is_who_reads_it(staff, client, action, field, status, role,
                                           extra, then,
                                           django_capture_on_commit_callbacks):
    appeal = message(status, executor=executor_for(status, staff))
    said = readers(staff_page(client, staff[role], appeal), f"{action}-{field}")
    marker = f"Метка-{action}-{field}-текст"
    data = {"version": appeal.version, field: marker,
            **(extra(appeal, staff) if extra else {})}
    with django_capture_on_commit_callbacks(execute=True):
        posted = {f"{action}-{name}": value for name, value in data.items()}
        response = client.post(f"/admin/messages/{appeal.pk}/act/{action}/", posted)
        assert response.status_code == 302, response.content.decode()[:3000]
        if then is not None:
            then(appeal, staff)
    citizen = Client()
    citizen.force_login(appeal.citizen)
    page = citizen.get(reverse("portal:message", args=[appeal.public_id]))
    assert page.status_code == 200
    letters = [m.subject + m.body for m in mail.outbox if appeal.citizen.email in m.to]
    shown = marker in page.content.decode() or any(marker in text for text in letters)
    assert said == (CITIZEN if shown else STAFF), (said, shown)
