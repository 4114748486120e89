"""The workflow table, cell by cell: every (status, action, party) is allowed or refused
exactly as written here (the expected table is spelled out independently of the code)."""

import itertools

import pytest

from cms.models import Role, Status
from cms.workflow import table
from cms.workflow.table import CITIZEN, SYSTEM, Action

S, A, R = Status, Action, Role
PARTIES = [*Role, CITIZEN, SYSTEM]
STAFF = {R.MODERATOR, R.COORDINATOR, R.EXECUTOR, R.HEAD, R.CURATOR}

EXPECTED = {
    (S.REGISTERED, A.REGISTER): ({SYSTEM}, S.ON_MODERATION),
    (S.ON_MODERATION, A.PASS_ON): ({R.MODERATOR}, S.SENT_TO_ORGANISATION),
    (S.ON_MODERATION, A.CHANGE_CATEGORY): ({R.MODERATOR}, S.ON_MODERATION),
    (S.ON_MODERATION, A.CHANGE_ORGANISATION): ({R.MODERATOR}, S.ON_MODERATION),
    (S.ON_MODERATION, A.REJECT): ({R.MODERATOR}, S.REJECTED),
    (S.ON_MODERATION, A.ASK_CITIZEN): ({R.MODERATOR}, S.WAITING_FOR_CITIZEN),
    (S.WAITING_FOR_CITIZEN, A.ANSWER_CLARIFICATION): ({CITIZEN}, S.ON_MODERATION),
    (S.WAITING_FOR_CITIZEN, A.EXPIRE_CLARIFICATION): ({SYSTEM}, S.REJECTED),
    (S.SENT_TO_ORGANISATION, A.ASSIGN_EXECUTOR): ({R.COORDINATOR}, S.IN_WORK),
    (S.IN_WORK, A.ASSIGN_EXECUTOR): ({R.COORDINATOR}, S.IN_WORK),
    (S.SENT_TO_ORGANISATION, A.REDIRECT): ({R.COORDINATOR}, S.ON_MODERATION),
    (S.IN_WORK, A.REDIRECT): ({R.COORDINATOR}, S.ON_MODERATION),
    (S.IN_WORK, A.SUBMIT_ANSWER): ({R.EXECUTOR}, S.ON_APPROVAL),
    (S.IN_WORK, A.PROPOSE_POSTPONEMENT): ({R.EXECUTOR}, S.ON_APPROVAL),
    (S.ON_APPROVAL, A.APPROVE_ANSWER): ({R.HEAD}, S.ANSWERED),
    (S.ON_APPROVAL, A.APPROVE_POSTPONEMENT): ({R.HEAD}, S.POSTPONED),
    (S.ON_APPROVAL, A.RETURN_TO_EXECUTOR): ({R.HEAD}, S.IN_WORK),
    (S.POSTPONED, A.RESUME): ({SYSTEM, R.EXECUTOR}, S.IN_WORK),
    (S.ANSWERED, A.RETURN_FOR_REWORK): ({R.CURATOR}, S.IN_WORK),
    (S.ANSWERED, A.REOPEN): ({R.CURATOR}, S.IN_WORK),
    (S.CLOSED, A.REOPEN): ({R.CURATOR}, S.IN_WORK),
    (S.ANSWERED, A.CLOSE): ({SYSTEM, R.CURATOR}, S.CLOSED),
    **{(status, A.COMMENT): (STAFF, status) for status in Status},
}

@pytest.mark.parametrize("status", list(Status))
def test_every_cell_of_a_status(status):
    for action, party in itertools.product(Action, PARTIES):
        parties, _target = EXPECTED.get((status, action), (set(), None))
        assert table.allows(status, action, party) == (party in parties), (
            status, action, party)


def test_targets_and_nothing_else():
    rows = {(row.source, row.action): row for row in table.TRANSITIONS}
    assert rows.keys() == EXPECTED.keys()
    for cell, (_parties, target) in EXPECTED.items():
        assert rows[cell].target == target, cell


def test_a_missing_cell_is_refused_with_a_clear_reason():
    with pytest.raises(table.TransitionNotAllowed) as refused:
        table.transition(S.REJECTED, A.PASS_ON)
    assert "Rejected" in str(refused.value) or "Отклонено" in str(refused.value)


def test_what_the_citizen_sees():
    public = {(row.source, row.action) for row in table.TRANSITIONS if row.public}
    assert public == {
        (S.REGISTERED, A.REGISTER), (S.ON_MODERATION, A.PASS_ON),
        (S.ON_MODERATION, A.REJECT), (S.ON_MODERATION, A.ASK_CITIZEN),
        (S.WAITING_FOR_CITIZEN, A.ANSWER_CLARIFICATION),
        (S.WAITING_FOR_CITIZEN, A.EXPIRE_CLARIFICATION),
        (S.ON_APPROVAL, A.APPROVE_ANSWER), (S.ON_APPROVAL, A.APPROVE_POSTPONEMENT),
        # A redirect sends the message back to moderation: the citizen sees that step
        # (issue 11: the history stopped at "Направлено в организацию").
        (S.SENT_TO_ORGANISATION, A.REDIRECT), (S.IN_WORK, A.REDIRECT),
        # A reopening is written to the citizen with its reason: their history shows it.
        (S.ANSWERED, A.REOPEN), (S.CLOSED, A.REOPEN),
    }


def test_registration_takes_its_target_from_the_table():
    from cms.submission.registration import INITIAL_STATUS

    assert INITIAL_STATUS == table.initial_status() == S.ON_MODERATION
