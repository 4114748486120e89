"""The workflow as one table: (status, action) → target status and who may do it.

This is the only place that says which status changes exist. The write paths in
`cms.workflow.actions` look a transition up here before they touch a message; the
permission policy (`cms.permissions.policy`) answers *where* a role holds (which region,
organisation or message); the admin shows the actions `available` here. What input an
action requires (a reason, a date, an executor) is checked by its write path, which alone
knows what the input means.

Parties: the staff roles of `cms.models.Role`, plus `CITIZEN` (the message's author) and
`SYSTEM` (registration and the scheduled sweeps, acting without a user).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.models import Role, Status

from .errors import WorkflowError

CITIZEN = "citizen"
SYSTEM = "system"


class Action(models.TextChoices):
    REGISTER = "register", _("Register")
    PASS_ON = "pass_on", _("Pass on to the organisation")
    CHANGE_CATEGORY = "change_category", _("Change the category")
    CHANGE_ORGANISATION = "change_organisation", _("Change the addressee")
    REJECT = "reject", _("Reject")
    ASK_CITIZEN = "ask_citizen", _("Ask the citizen")
    ANSWER_CLARIFICATION = "answer_clarification", _("Answer the clarifying question")
    EXPIRE_CLARIFICATION = "expire_clarification", _("Reject: question unanswered")
    ASSIGN_EXECUTOR = "assign_executor", _("Assign an executor")
    REDIRECT = "redirect", _("Redirect to another organisation")
    SUBMIT_ANSWER = "submit_answer", _("Send the answer for approval")
    PROPOSE_POSTPONEMENT = "propose_postponement", _("Propose a postponement")
    APPROVE_ANSWER = "approve_answer", _("Approve the answer")
    APPROVE_POSTPONEMENT = "approve_postponement", _("Approve the postponement")
    RETURN_TO_EXECUTOR = "return_to_executor", _("Return to the executor")
    RESUME = "resume", _("Resume work")
    RETURN_FOR_REWORK = "return_for_rework", _("Return for rework")
    REOPEN = "reopen", _("Reopen")
    CLOSE = "close", _("Close")
    COMMENT = "comment", _("Comment")


@dataclass(frozen=True)
class Transition:
    """One cell of the table.

    `public`: the status event is shown in the citizen's history. `versioned`: the
    action changes the message, so it bumps `Appeal.version` and refuses a form opened
    on an older version (a comment changes nothing and is never refused as stale).
    """

    source: Status
    action: Action
    target: Status
    parties: frozenset[str]
    public: bool = False
    versioned: bool = True

    @property
    def changes_status(self) -> bool:
        return self.source != self.target


def _t(source, action, target, parties, public=False, versioned=True):
    return Transition(Status(source), Action(action), Status(target), frozenset(parties),
                      public, versioned)


S, A, R = Status, Action, Role

# Who comments: everyone who handles messages. A comment never changes the status.
COMMENTERS = (R.MODERATOR, R.COORDINATOR, R.EXECUTOR, R.HEAD, R.CURATOR)

TRANSITIONS: tuple[Transition, ...] = (
    # Registration (cms.submission.registration) goes straight on to moderation.
    _t(S.REGISTERED, A.REGISTER, S.ON_MODERATION, {SYSTEM}, public=True),
    # Moderator.
    _t(S.ON_MODERATION, A.PASS_ON, S.SENT_TO_ORGANISATION, {R.MODERATOR}, public=True),
    _t(S.ON_MODERATION, A.CHANGE_CATEGORY, S.ON_MODERATION, {R.MODERATOR}),
    _t(S.ON_MODERATION, A.CHANGE_ORGANISATION, S.ON_MODERATION, {R.MODERATOR}),
    _t(S.ON_MODERATION, A.REJECT, S.REJECTED, {R.MODERATOR}, public=True),
    _t(S.ON_MODERATION, A.ASK_CITIZEN, S.WAITING_FOR_CITIZEN, {R.MODERATOR}, public=True),
    # The citizen answers the question, or the sweep rejects the message.
    _t(S.WAITING_FOR_CITIZEN, A.ANSWER_CLARIFICATION, S.ON_MODERATION, {CITIZEN},
       public=True),
    _t(S.WAITING_FOR_CITIZEN, A.EXPIRE_CLARIFICATION, S.REJECTED, {SYSTEM}, public=True),
    # Coordinator.
    _t(S.SENT_TO_ORGANISATION, A.ASSIGN_EXECUTOR, S.IN_WORK, {R.COORDINATOR}),
    _t(S.IN_WORK, A.ASSIGN_EXECUTOR, S.IN_WORK, {R.COORDINATOR}),
    # Public: the citizen's status goes back to moderation, so their history says so.
    _t(S.SENT_TO_ORGANISATION, A.REDIRECT, S.ON_MODERATION, {R.COORDINATOR}, public=True),
    _t(S.IN_WORK, A.REDIRECT, S.ON_MODERATION, {R.COORDINATOR}, public=True),
    # Executor.
    _t(S.IN_WORK, A.SUBMIT_ANSWER, S.ON_APPROVAL, {R.EXECUTOR}),
    _t(S.IN_WORK, A.PROPOSE_POSTPONEMENT, S.ON_APPROVAL, {R.EXECUTOR}),
    # Head.
    _t(S.ON_APPROVAL, A.APPROVE_ANSWER, S.ANSWERED, {R.HEAD}, public=True),
    _t(S.ON_APPROVAL, A.APPROVE_POSTPONEMENT, S.POSTPONED, {R.HEAD}, public=True),
    _t(S.ON_APPROVAL, A.RETURN_TO_EXECUTOR, S.IN_WORK, {R.HEAD}),
    # The postponement date arrives (the sweep), or the executor resumes early.
    _t(S.POSTPONED, A.RESUME, S.IN_WORK, {SYSTEM, R.EXECUTOR}),
    # Curator.
    _t(S.ANSWERED, A.RETURN_FOR_REWORK, S.IN_WORK, {R.CURATOR}),
    # Public: the citizen is written to with the reason, and their status goes back to
    # "in work", so their history says so.
    _t(S.ANSWERED, A.REOPEN, S.IN_WORK, {R.CURATOR}, public=True),
    _t(S.CLOSED, A.REOPEN, S.IN_WORK, {R.CURATOR}, public=True),
    _t(S.ANSWERED, A.CLOSE, S.CLOSED, {SYSTEM, R.CURATOR}),
    # Internal comments, in every status.
    *(_t(status, A.COMMENT, status, COMMENTERS, versioned=False) for status in Status),
)

_BY_CELL: dict[tuple[Status, Action], Transition] = {}
for _transition in TRANSITIONS:
    _cell = (_transition.source, _transition.action)
    if _cell in _BY_CELL:
        raise ValueError(f"The workflow table has two rows for {_cell}.")
    _BY_CELL[_cell] = _transition


class TransitionNotAllowed(WorkflowError):
    """No row of the table for this (status, action)."""

    def __init__(self, status, action):
        self.status, self.action = Status(status), Action(action)
        super().__init__(
            gettext("“%(action)s” is not possible while the message is “%(status)s”.")
            % {"action": self.action.label, "status": self.status.label}
        )


def transition(status, action) -> Transition:
    """The row for (status, action), or TransitionNotAllowed."""
    found = _BY_CELL.get((Status(status), Action(action)))
    if found is None:
        raise TransitionNotAllowed(status, action)
    return found


def find(status, action) -> Transition | None:
    return _BY_CELL.get((Status(status), Action(action)))


def allows(status, action, party: str) -> bool:
    """Whether the table lets `party` (a Role value, CITIZEN or SYSTEM) do `action` now."""
    row = find(status, action)
    return row is not None and party in row.parties


def actions_from(status) -> list[Transition]:
    """Every row that starts in `status`, in table order."""
    return [row for row in TRANSITIONS if row.source == Status(status)]


def initial_status() -> Status:
    """Where a newly registered message goes (the REGISTER row)."""
    return transition(Status.REGISTERED, Action.REGISTER).target
