"""Builders of the rating tests: a message whose answer the head approved, through the
workflow's real write path (so the "answered" e-mail and its sections are recorded)."""

from __future__ import annotations

from cms.models import Answer, Status
from cms.workflow import actions
from tests.workflow.builders import demo_staff, message


def answered(region=None, **fields) -> Answer:
    """A published answer of a message now ANSWERED (its e-mail recorded in the outbox)."""
    staff = demo_staff()
    appeal = message(Status.ON_APPROVAL, executor=staff["executor"], region=region,
                     **fields)
    return actions.do_approve_answer(appeal.pk, staff["head"])


def answered_again(answer: Answer, reason: str = "Оценка 1") -> Answer:
    """The message of `answer` reopened by the curator and answered anew."""
    staff = demo_staff()
    appeal_pk = answer.appeal_id
    actions.do_reopen_appeal(appeal_pk, staff["curator"], reason)
    actions.do_submit_answer(appeal_pk, staff["executor"], "Отремонтировали снова.")
    return actions.do_approve_answer(appeal_pk, staff["head"])


def status_of(answer: Answer) -> str:
    answer.appeal.refresh_from_db()
    return answer.appeal.status

