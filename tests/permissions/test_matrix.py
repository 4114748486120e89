"""The permission matrix: every party × action × placement (own / other organisation /
other region) × status. What is allowed succeeds and lands in the table's target; what is
not is refused and leaves the message exactly as it was."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cms.models import Organisation, Role, Status
from cms.permissions.policy import appeal_policy
from cms.staff_admin.forms import FORMS
from cms.workflow import actions, table
from cms.workflow.errors import WorkflowError
from cms.workflow.table import CITIZEN, SYSTEM, Action
from tests import factories
from tests.workflow.builders import (
    demo_staff,
    fresh,
    message,
    other_region,
    pending_postponement,
    snapshot,
    staff_member,
)

STAFF_ROLES = (Role.MODERATOR, Role.COORDINATOR, Role.EXECUTOR, Role.HEAD, Role.CURATOR,
               Role.EDITOR)
PLACEMENTS = ("own", "other_organisation", "other_region")


# Cells whose attempt first writes something of its own (a draft to decide on).
NEEDS_SETUP = {Action.APPROVE_POSTPONEMENT}


class Rollback(Exception):
    """Undo one cell's attempt, so every cell starts from the same message."""


def another_organisation(appeal):
    """An organisation of the message's region other than its addressee."""
    return (Organisation.objects.filter(region_id=appeal.region_id)
            .exclude(pk=appeal.organisation_id).order_by("code").first())


def call(action: Action, appeal, actor, spare_executor, other_org):
    """Try `action` with valid input for it."""
    pk, version = appeal.pk, appeal.version
    if action == Action.PASS_ON:
        return actions.do_pass_on_appeal(pk, actor, version=version)
    if action == Action.CHANGE_CATEGORY:
        return actions.do_change_category(pk, actor, factories.subcategory("01.02"),
                                          other_org, version=version)
    if action == Action.CHANGE_ORGANISATION:
        return actions.do_change_organisation(pk, actor, other_org, version=version)
    if action == Action.REJECT:
        return actions.do_reject_appeal(pk, actor, "Не проблема", version=version)
    if action == Action.ASK_CITIZEN:
        return actions.do_ask_clarification(pk, actor, "Какой дом?", version=version)
    if action == Action.ANSWER_CLARIFICATION:
        return actions.do_answer_clarification(pk, actor, "Дом 5", version=version)
    if action == Action.EXPIRE_CLARIFICATION:
        return actions.do_expire_clarification(pk)  # the sweep: always the system
    if action == Action.ASSIGN_EXECUTOR:
        return actions.do_assign_executor(pk, actor, spare_executor, version=version)
    if action == Action.REDIRECT:
        return actions.do_redirect_appeal(pk, actor, other_org, "Не наше", version=version)
    if action == Action.SUBMIT_ANSWER:
        return actions.do_submit_answer(pk, actor, "Ответ", version=version)
    if action == Action.PROPOSE_POSTPONEMENT:
        return actions.do_propose_postponement(pk, actor, "Сезон",
                                               timezone.now() + timedelta(days=5),
                                               version=version)
    if action == Action.APPROVE_ANSWER:
        return actions.do_approve_answer(pk, actor, version=version)
    if action == Action.APPROVE_POSTPONEMENT:
        if appeal.status == Status.ON_APPROVAL:
            pending_postponement(appeal)
        return actions.do_approve_postponement(pk, actor, version=version)
    if action == Action.RETURN_TO_EXECUTOR:
        return actions.do_return_to_executor(pk, actor, "Доработать", version=version)
    if action == Action.RESUME:
        return actions.do_resume_appeal(pk, actor, version=version)
    if action == Action.RETURN_FOR_REWORK:
        return actions.do_return_for_rework(pk, actor, "Отписка", version=version)
    if action == Action.REOPEN:
        return actions.do_reopen_appeal(pk, actor, "Низкая оценка", version=version)
    if action == Action.CLOSE:
        return actions.do_close_appeal(pk, actor, version=version)
    if action == Action.COMMENT:
        return actions.do_add_comment(pk, actor, "Комментарий")
    raise AssertionError(action)


@pytest.fixture
def people(demo):
    staff = demo_staff()
    parties = {role: fresh(staff[role.value]) for role in STAFF_ROLES}
    parties[CITIZEN] = None  # the author of each message, filled in per message
    parties[SYSTEM] = None
    return parties


def placed_message(status, placement, executor):
    if placement == "own":
        return message(status, "adm-gorsk", executor=executor)
    if placement == "other_organisation":
        other_executor = staff_member("uad.executor1", "uad", Role.EXECUTOR)
        return message(status, "uad", executor=other_executor)
    return message(status, "other-org", region=other_region())


@pytest.mark.parametrize("status", [s for s in Status if s != Status.REGISTERED])
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_matrix(status, placement, people):
    spare = staff_member("gorsk.executor2", "adm-gorsk", Role.EXECUTOR)
    staff_member("uad.executor2", "uad", Role.EXECUTOR)
    executor = people[Role.EXECUTOR]
    appeal = message(status, "adm-gorsk", executor=executor) if placement == "own" else (
        placed_message(status, placement, executor))
    if placement != "own" and appeal.organisation.code == "uad":
        spare = fresh(type(spare).objects.get(username="uad.executor2"))
    other_org = another_organisation(appeal)
    before = snapshot(appeal)
    outcomes = {}
    for party in [*STAFF_ROLES, CITIZEN, SYSTEM]:
        actor = appeal.citizen if party == CITIZEN else people[party]
        actor = fresh(actor) if actor is not None else None
        for action in Action:
            if action == Action.REGISTER:
                continue  # registration has its own write path (cms.submission.registration)
            expected = table.allows(status, action, party) and in_scope(party, placement)
            outcome = attempt(action, appeal, actor, expected, spare, other_org, before)
            outcomes[(party, action)] = outcome
            assert outcome == expected, (party, action)
            assert snapshot(appeal) == before, (party, action)
            actor = fresh(actor) if actor is not None else None
    # The message's own people can always do something with it, until it is rejected.
    if placement == "own" and status != Status.REJECTED:
        assert any(outcomes.values())


def attempt(action: Action, appeal, actor, expected: bool, spare, other_org,
            before: tuple) -> bool:
    """Whether `actor` managed to take `action` (its change undone afterwards)."""
    if action == Action.EXPIRE_CLARIFICATION and actor is not None:
        # The sweep's write path takes no actor: a person could reach it only through a
        # form the message's admin page offers.
        offered = appeal_policy.available_transitions(actor, appeal)
        return FORMS.get(action) is not None and any(row.action == action for row in offered)
    if not expected:
        # A refusal must leave no trace through the write path's own transaction: the
        # caller's snapshot is taken before this savepoint (which only clears the
        # cell's setup, such as a draft) is rolled back.
        setup = transaction.savepoint() if action in NEEDS_SETUP else None
        try:
            call(action, appeal, actor, spare, other_org)
            succeeded = True
        except WorkflowError:
            succeeded = False
        unchanged = snapshot(appeal) == before
        if setup is not None:
            transaction.savepoint_rollback(setup)
        assert unchanged, action
        return succeeded
    try:
        with transaction.atomic():
            call(action, appeal, actor, spare, other_org)
            raise Rollback(snapshot(appeal))
    except Rollback as done:
        assert done.args[0][0] == table.transition(appeal.status, action).target
        return True
    except WorkflowError:
        return False


def in_scope(party, placement) -> bool:
    if party in (CITIZEN, SYSTEM):
        return True
    if party in (Role.MODERATOR, Role.CURATOR):
        return placement != "other_region"
    return placement == "own"
