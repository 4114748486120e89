"""The write paths of the workflow: one `do_<verb>_<noun>` per action.

Each runs in one transaction and follows the same steps (`_begin` and `_finish`):

1. lock the message row (`select_for_update`), so two staff acting at once are serialised;
2. refuse a form opened on an older `version` (`StaleVersion` names who changed it);
3. look the (status, action) cell up in the workflow table and ask the permission policy
   whether this user is one of the cell's parties for this message;
4. write the change and its events (every status change is a STATUS_CHANGED event with
   from/to status values), bump `Appeal.version`, and tell the plugins
   (`appeal_transitioned`) about each event;
5. append an audit record and record the notifications, which are sent after commit.

A refused action raises a `WorkflowError` and writes nothing. Callers pass primary keys
and the acting user (`None` is the system: registration and the scheduled sweeps).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import audit
from cms.kernel.plugins import hooks_for
from cms.models import (
    Answer,
    Appeal,
    AppealEvent,
    Attachment,
    AttachmentKind,
    AuditKind,
    Clarification,
    EventKind,
    Organisation,
    Postponement,
    RegionWorkflowSettings,
    Role,
)
from cms.notifications.workflow import local_date, notify_transition
from cms.permissions.grants import grant_executor, revoke_executor, role_holders
from cms.permissions.policy import appeal_policy
from cms.submission.stored_files import atomic_with_files

from . import table
from .errors import ActionRefused, InvalidInput, StaleVersion
from .files import store_answer_files
from .table import Action, Transition


def actor_name(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def last_changed_by(appeal: Appeal) -> str:
    """Who made the latest change to the message (for "changed by …, reload")."""
    event = (AppealEvent.objects.filter(appeal=appeal).exclude(kind=EventKind.COMMENT)
             .select_related("actor").order_by("-created_at", "-pk").first())
    return actor_name(event.actor if event else None)


def _begin(appeal_pk: int, actor, action: Action, version: int | None
           ) -> tuple[Appeal, Transition]:
    appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("region")
              .get(pk=appeal_pk))
    parties = appeal_policy.parties_for_instance(actor, appeal)
    if not parties:
        raise ActionRefused()
    row = table.find(appeal.status, action)
    versioned = row.versioned if row is not None else True
    if versioned and version is not None and version != appeal.version:
        raise StaleVersion(last_changed_by(appeal))
    row = table.transition(appeal.status, action)
    if not row.parties & parties:
        raise ActionRefused()
    return appeal, row


def _event(appeal, kind, actor, *, from_value="", to_value="", reason="", note="",
           data=None, public=False) -> AppealEvent:
    return AppealEvent(appeal=appeal, kind=kind, actor=actor, from_value=str(from_value)[:255],
                       to_value=str(to_value)[:255], reason=reason, internal_note=note,
                       data=data or {}, is_public=public)


def _status_event(appeal, row: Transition, actor, *, reason="", note="",
                  data=None) -> AppealEvent:
    return _event(appeal, EventKind.STATUS_CHANGED, actor, from_value=row.source,
                  to_value=row.target, reason=reason, note=note,
                  data={"action": str(row.action), **(data or {})}, public=row.public)


def _deadline_event(appeal, actor, old: datetime | None, reason: str, *, data=None,
                    public=False) -> AppealEvent:
    return _event(appeal, EventKind.DEADLINE_CHANGED, actor,
                  from_value=old.isoformat() if old else "",
                  to_value=appeal.deadline.isoformat() if appeal.deadline else "",
                  reason=reason, data=data, public=public)


def _set_deadline(appeal, deadline: datetime, now: datetime) -> None:
    appeal.deadline = deadline
    appeal.is_overdue = deadline < now


def _finish(appeal: Appeal, row: Transition, actor, events: list[AppealEvent], *,
            fields=(), notify_context: dict | None = None) -> Appeal:
    update = {"updated_at", *fields}
    if row.changes_status:
        appeal.status = row.target
        update.add("status")
    if row.versioned:
        appeal.version += 1
        update.add("version")
    appeal.save(update_fields=sorted(update))
    hooks = hooks_for(appeal.region)
    for event in events:
        event.save()
        hooks.appeal_transitioned(appeal=appeal, event=event)
    audit.record(kind=AuditKind.ACTION, what=str(row.action), actor=actor, appeal=appeal,
                 data={"from": row.source, "to": row.target,
                       "events": [event.pk for event in events]})
    if events:
        notify_transition(appeal, row, events[-1], context=notify_context)
    return appeal


def _require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


# --- moderator -------------------------------------------------------------------------


def do_pass_on_appeal(appeal_pk: int, actor, note: str = "",
                      version: int | None = None) -> Appeal:
    """Send the message on to its addressee (moderation done)."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.PASS_ON, version)
        # The moderator's note is for the organisation, never for the citizen.
        event = _status_event(appeal, row, actor, note=note.strip(),
                              data={"organisation": appeal.organisation.code})
        return _finish(appeal, row, actor, [event])


def suggest_addressee(appeal: Appeal, subcategory):
    """What the routing hook proposes for `appeal` re-filed under `subcategory`.

    Asks `choose_addressee` about an unsaved copy, so nothing about the message changes.
    """
    copy = Appeal(
        pk=appeal.pk, region=appeal.region, channel=appeal.channel,
        widget_organisation=appeal.widget_organisation, citizen=appeal.citizen,
        category=subcategory.category, subcategory=subcategory, territory=appeal.territory,
        organisation=appeal.organisation, address=appeal.address, text=appeal.text,
        created_at=appeal.created_at,
    )
    copy._state.adding = True
    return hooks_for(appeal.region).choose_addressee(appeal=copy)


def _check_organisation(appeal, organisation) -> Organisation:
    if organisation is None or organisation.region_id != appeal.region_id:
        raise InvalidInput(_("Choose an organisation of the message's region."))
    return organisation


def _addressee_event(appeal, actor, old, new, reason="", data=None) -> AppealEvent:
    return _event(appeal, EventKind.ADDRESSEE_CHANGED, actor, from_value=old, to_value=new,
                  reason=reason,
                  data={"from": old.code, "to": new.code, **(data or {})})


def do_change_category(appeal_pk: int, actor, subcategory, organisation=None,
                       reason: str = "", version: int | None = None) -> Appeal:
    """Re-file the message under `subcategory`; the addressee becomes `organisation`, or
    what the routing hook suggests for the new category when none is given. The term of
    the new subcategory replaces the deadline (counted from registration)."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.CHANGE_CATEGORY, version)
        if subcategory is None:
            raise InvalidInput(_("Choose a subcategory."))
        if subcategory.pk == appeal.subcategory_id:
            raise InvalidInput(_("The message is already in this subcategory."))
        suggested = None
        if organisation is None:
            choice = suggest_addressee(appeal, subcategory)
            organisation = choice.organisation if choice else appeal.organisation
            suggested = choice.explanation if choice else ""
        _check_organisation(appeal, organisation)
        now = timezone.now()
        events = [_event(appeal, EventKind.CATEGORY_CHANGED, actor,
                         from_value=f"{appeal.subcategory.code} {appeal.subcategory}",
                         to_value=f"{subcategory.code} {subcategory}", reason=reason.strip(),
                         data={"from": appeal.subcategory.code, "to": subcategory.code})]
        appeal.category, appeal.subcategory = subcategory.category, subcategory
        fields = ["category", "subcategory"]
        if organisation.pk != appeal.organisation_id:
            events.append(_addressee_event(
                appeal, actor, appeal.organisation, organisation,
                reason=suggested or reason.strip(),
                data={"suggested": suggested is not None},
            ))
            appeal.organisation = organisation
            fields.append("organisation")
        choice = hooks_for(appeal.region).appeal_deadline(appeal=appeal, start=appeal.created_at)
        if choice.due_at != appeal.deadline or choice.is_fast_track != appeal.is_fast_track:
            old = appeal.deadline
            _set_deadline(appeal, choice.due_at, now)
            appeal.is_fast_track = choice.is_fast_track
            events.append(_deadline_event(appeal, actor, old, choice.explanation))
            fields += ["deadline", "is_overdue", "is_fast_track"]
        return _finish(appeal, row, actor, events, fields=fields)


def do_change_organisation(appeal_pk: int, actor, organisation, reason: str = "",
                           version: int | None = None) -> Appeal:
    """Give the message another addressee (still on moderation)."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.CHANGE_ORGANISATION, version)
        _check_organisation(appeal, organisation)
        if organisation.pk == appeal.organisation_id:
            raise InvalidInput(_("The message is already addressed to this organisation."))
        event = _addressee_event(appeal, actor, appeal.organisation, organisation,
                                 reason=reason.strip())
        appeal.organisation = organisation
        return _finish(appeal, row, actor, [event], fields=["organisation"])


def do_reject_appeal(appeal_pk: int, actor, reason: str, reason_key: str = "",
                     version: int | None = None) -> Appeal:
    """Reject the message; `reason` (from the region's list, with details) reaches the
    citizen."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.REJECT, version)
        reason = _require(reason, _("Give the reason for the rejection."))
        event = _status_event(appeal, row, actor, reason=reason,
                              data={"reason_key": reason_key})
        return _finish(appeal, row, actor, [event], notify_context={"reason": reason})


def do_ask_clarification(appeal_pk: int, actor, question: str,
                         version: int | None = None) -> Appeal:
    """Ask the citizen a clarifying question. The clock pauses until they answer; without
    an answer within the region's term the sweep rejects the message."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.ASK_CITIZEN, version)
        question = _require(question, _("Write the question."))
        now = timezone.now()
        days = RegionWorkflowSettings.for_region(appeal.region).clarification_days
        clarification = Clarification.objects.create(
            appeal=appeal, question=question, asked_by=actor, asked_at=now,
            due_at=now + timedelta(days=days),
        )
        event = _status_event(appeal, row, actor, reason=question,
                              data={"clarification": clarification.pk,
                                    "due_at": clarification.due_at.isoformat()})
        return _finish(appeal, row, actor, [event], notify_context={
            "question": question, "due": local_date(clarification.due_at, appeal.region)})


def _open_clarification(appeal) -> Clarification:
    clarification = (Clarification.objects.select_for_update()
                     .filter(appeal=appeal, answered_at__isnull=True, expired_at__isnull=True)
                     .order_by("-asked_at").first())
    if clarification is None:
        raise InvalidInput(_("The message has no open question."))
    return clarification


def do_answer_clarification(appeal_pk: int, citizen, text: str,
                            version: int | None = None) -> Appeal:
    """The citizen answers the clarifying question: the message returns to moderation and
    its deadline moves on by the time the clock was paused, as `deadline_after_pause`
    answers (a plugin may count working time only; the core counts calendar time)."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, citizen, Action.ANSWER_CLARIFICATION, version)
        text = _require(text, _("Write your answer."))
        clarification = _open_clarification(appeal)
        now = timezone.now()
        clarification.answer, clarification.answered_at = text, now
        clarification.save(update_fields=["answer", "answered_at"])
        events = [_status_event(appeal, row, citizen, reason=text,
                                data={"clarification": clarification.pk})]
        fields = []
        if appeal.deadline is not None:
            old = appeal.deadline
            choice = hooks_for(appeal.region).deadline_after_pause(
                appeal=appeal, paused_at=clarification.asked_at, resumed_at=now)
            if choice.due_at != old:
                _set_deadline(appeal, choice.due_at, now)
                # Public: the citizen's answer moved the date they wait for.
                events.append(_deadline_event(
                    appeal, None, old, choice.explanation, public=True,
                    data={"clarification": clarification.pk}))
                fields += ["deadline", "is_overdue"]
        return _finish(appeal, row, citizen, events, fields=fields)


def do_expire_clarification(appeal_pk: int) -> Appeal:
    """The sweep: no answer to the question within the term, so the message is rejected."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, None, Action.EXPIRE_CLARIFICATION, None)
        clarification = _open_clarification(appeal)
        now = timezone.now()
        if clarification.due_at > now:
            raise InvalidInput(_("The term to answer the question has not run out yet."))
        clarification.expired_at = now
        clarification.save(update_fields=["expired_at"])
        reason = _("No answer to the clarifying question within the term.")
        event = _status_event(appeal, row, None, reason=reason,
                              data={"clarification": clarification.pk})
        return _finish(appeal, row, None, [event], notify_context={"reason": reason})


# --- coordinator -----------------------------------------------------------------------


def do_assign_executor(appeal_pk: int, actor, executor,
                       version: int | None = None) -> Appeal:
    """Give the message to an executor of its organisation (or to another one)."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.ASSIGN_EXECUTOR, version)
        if executor is None or not role_holders(
            Role.EXECUTOR, organisation=appeal.organisation
        ).filter(pk=executor.pk).exists():
            raise InvalidInput(_("Choose an executor of the message's organisation."))
        if executor.pk == appeal.executor_id:
            raise InvalidInput(_("This executor already has the message."))
        events = [_event(appeal, EventKind.EXECUTOR_CHANGED, actor,
                         from_value=actor_name(appeal.executor) if appeal.executor else "",
                         to_value=actor_name(executor),
                         data={"from": appeal.executor_id, "to": executor.pk})]
        if row.changes_status:
            events.append(_status_event(appeal, row, actor))
        appeal.executor = executor
        grant_executor(appeal, executor)
        return _finish(appeal, row, actor, events, fields=["executor"])


def do_redirect_appeal(appeal_pk: int, actor, organisation, reason: str,
                       version: int | None = None) -> Appeal:
    """Not ours: send the message back to moderation, addressed to `organisation`. The
    redirects stay in the history as ADDRESSEE_CHANGED events marked `redirect`."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.REDIRECT, version)
        reason = _require(reason, _("Say why the message is not for this organisation."))
        _check_organisation(appeal, organisation)
        if organisation.pk == appeal.organisation_id:
            raise InvalidInput(_("Choose another organisation."))
        events = [_addressee_event(appeal, actor, appeal.organisation, organisation,
                                   reason=reason, data={"redirect": True})]
        fields = ["organisation"]
        if appeal.executor_id:
            events.append(_event(appeal, EventKind.EXECUTOR_CHANGED, actor,
                                 from_value=actor_name(appeal.executor),
                                 data={"from": appeal.executor_id, "to": None}))
            appeal.executor = None
            revoke_executor(appeal)
            fields.append("executor")
        # The citizen sees the message back on moderation, not the coordinator's reason.
        events.append(_status_event(appeal, row, actor, note=reason))
        appeal.organisation = organisation
        return _finish(appeal, row, actor, events, fields=fields)


# --- executor --------------------------------------------------------------------------


def latest_returned_answer(appeal) -> Answer | None:
    return (Answer.objects.filter(appeal=appeal, decided_at__isnull=False,
                                  is_published=False).order_by("-submitted_at", "-pk").first())


def do_submit_answer(appeal_pk: int, actor, text: str, files=(), keep_files=(),
                     version: int | None = None) -> Answer:
    """Send the answer (text and files) to the head for approval. `keep_files` are
    Attachment ids of an earlier draft of this message to carry over."""
    with atomic_with_files() as writes:
        appeal, row = _begin(appeal_pk, actor, Action.SUBMIT_ANSWER, version)
        text = _require(text, _("Write the answer."))
        kept = list(Attachment.objects.filter(
            appeal=appeal, kind=AttachmentKind.ANSWER, pk__in=list(keep_files)))
        answer = Answer.objects.create(appeal=appeal, author=actor, text=text)
        store_answer_files(answer, files, actor, writes, kept=kept)
        event = _status_event(appeal, row, actor, data={"answer": answer.pk})
        _finish(appeal, row, actor, [event])
        return answer


def do_propose_postponement(appeal_pk: int, actor, reasons: str, until: datetime,
                            version: int | None = None) -> Postponement:
    """Propose to postpone the solution to `until` (the head decides). The date must be
    later than now and not after the `postponement_limit` hook's answer."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.PROPOSE_POSTPONEMENT, version)
        reasons = _require(reasons, _("Give the reasons for the postponement."))
        now = timezone.now()
        _check_postponement_date(appeal, until, now)
        postponement = Postponement.objects.create(appeal=appeal, author=actor,
                                                   reasons=reasons, until=until)
        event = _status_event(appeal, row, actor, reason=reasons,
                              data={"postponement": postponement.pk,
                                    "until": until.isoformat()})
        _finish(appeal, row, actor, [event])
        return postponement


def _check_postponement_date(appeal, until: datetime | None, now: datetime) -> None:
    if until is None:
        raise InvalidInput(_("Give the new date."))
    if until <= now:
        raise InvalidInput(_("The new date must be later than now."))
    limit = hooks_for(appeal.region).postponement_limit(appeal=appeal, now=now)
    if limit is not None and until > limit:
        raise InvalidInput(_("The new date may not be later than %(limit)s.")
                           % {"limit": local_date(limit, appeal.region)})


def do_resume_appeal(appeal_pk: int, actor=None, version: int | None = None) -> Appeal:
    """Back to work after a postponement (the sweep on its date, or the executor earlier).
    The clock restarts: the deadline is what `appeal_deadline` answers from now."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.RESUME, version)
        now = timezone.now()
        events = [_status_event(appeal, row, actor)]
        old = appeal.deadline
        choice = hooks_for(appeal.region).appeal_deadline(appeal=appeal, start=now)
        _set_deadline(appeal, choice.due_at, now)
        events.append(_deadline_event(appeal, actor, old, choice.explanation))
        appeal.postponed_until = None
        return _finish(appeal, row, actor, events,
                       fields=["postponed_until", "deadline", "is_overdue"])


# --- head ------------------------------------------------------------------------------


def pending_decision(appeal) -> Answer | Postponement | None:
    """The draft waiting for the head: an answer or a postponement."""
    return waiting_draft(Answer.objects.filter(appeal=appeal, decided_at__isnull=True),
                         Postponement.objects.filter(appeal=appeal, decided_at__isnull=True))


def waiting_draft(answers, postponements) -> Answer | Postponement | None:
    """Of a message's answers and postponements (each in their order, by submission),
    the draft waiting for the head: the later submitted of the last undecided answer and
    the last undecided postponement. The message page passes the rows it already read."""
    drafts = [undecided[-1] for undecided in (
        [answer for answer in answers if answer.decided_at is None],
        [item for item in postponements if item.decided_at is None]) if undecided]
    return max(drafts, key=lambda draft: draft.submitted_at) if drafts else None


def _pending(appeal, model):
    draft = pending_decision(appeal)
    if not isinstance(draft, model):
        raise InvalidInput(_("There is no such draft waiting for approval."))
    return draft


def do_approve_answer(appeal_pk: int, actor, version: int | None = None) -> Answer:
    """Approve the answer: it is published and the citizen is told."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.APPROVE_ANSWER, version)
        answer = _pending(appeal, Answer)
        now = timezone.now()
        answer.decided_by, answer.decided_at = actor, now
        answer.is_published, answer.published_at = True, now
        answer.save(update_fields=["decided_by", "decided_at", "is_published", "published_at"])
        event = _status_event(appeal, row, actor, data={"answer": answer.pk})
        _finish(appeal, row, actor, [event], notify_context={"answer": answer.text})
        return answer


def do_approve_postponement(appeal_pk: int, actor, version: int | None = None
                            ) -> Postponement:
    """Approve the postponement: the citizen is told the reasons and the new date, and
    the message waits until then."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.APPROVE_POSTPONEMENT, version)
        postponement = _pending(appeal, Postponement)
        now = timezone.now()
        if postponement.until <= now:
            raise InvalidInput(_("The proposed date has passed; return it to the executor."))
        postponement.decided_by, postponement.decided_at = actor, now
        postponement.is_approved = True
        postponement.save(update_fields=["decided_by", "decided_at", "is_approved"])
        old = appeal.deadline
        appeal.postponed_until = postponement.until
        _set_deadline(appeal, postponement.until, now)
        until = local_date(postponement.until, appeal.region)
        events = [
            _deadline_event(appeal, actor, old, _("Postponed until %(date)s.") % {"date": until}),
            _status_event(appeal, row, actor, reason=postponement.reasons,
                          data={"postponement": postponement.pk,
                                "until": postponement.until.isoformat()}),
        ]
        _finish(appeal, row, actor, events,
                fields=["postponed_until", "deadline", "is_overdue"],
                notify_context={"reasons": postponement.reasons, "until": until})
        return postponement


def do_return_to_executor(appeal_pk: int, actor, remarks: str,
                          version: int | None = None) -> Appeal:
    """Return the waiting draft (answer or postponement) to the executor with remarks."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.RETURN_TO_EXECUTOR, version)
        remarks = _require(remarks, _("Write your remarks."))
        draft = pending_decision(appeal)
        if draft is None:
            raise InvalidInput(_("There is no draft waiting for approval."))
        draft.decided_by, draft.decided_at, draft.remarks = actor, timezone.now(), remarks
        draft.save(update_fields=["decided_by", "decided_at", "remarks"])
        kind = "answer" if isinstance(draft, Answer) else "postponement"
        event = _status_event(appeal, row, actor, reason=remarks, data={kind: draft.pk})
        return _finish(appeal, row, actor, [event], notify_context={"reason": remarks})


# --- curator and closing ---------------------------------------------------------------


def do_return_for_rework(appeal_pk: int, actor, reason: str, reason_key: str = "",
                         version: int | None = None) -> Appeal:
    """The answer does not address the substance: back to the executor."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.RETURN_FOR_REWORK, version)
        reason = _require(reason, _("Give the reason."))
        event = _status_event(appeal, row, actor, reason=reason,
                              data={"reason_key": reason_key})
        return _finish(appeal, row, actor, [event], notify_context={"reason": reason})


def do_reopen_appeal(appeal_pk: int, actor, reason: str,
                     version: int | None = None) -> Appeal:
    """Reopen an answered or closed message (after a low rating, for instance): back to
    work with a new deadline, as `appeal_deadline` answers from now; the citizen is told."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.REOPEN, version)
        reason = _require(reason, _("Give the reason."))
        now = timezone.now()
        events = [_status_event(appeal, row, actor, reason=reason)]
        old = appeal.deadline
        choice = hooks_for(appeal.region).appeal_deadline(appeal=appeal, start=now)
        _set_deadline(appeal, choice.due_at, now)
        appeal.is_fast_track = choice.is_fast_track
        events.append(_deadline_event(appeal, actor, old, choice.explanation, public=True))
        return _finish(appeal, row, actor, events,
                       fields=["deadline", "is_overdue", "is_fast_track"],
                       notify_context={"reason": reason,
                                       "due": local_date(choice.due_at, appeal.region)})


def do_close_appeal(appeal_pk: int, actor=None, version: int | None = None) -> Appeal:
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.CLOSE, version)
        return _finish(appeal, row, actor, [_status_event(appeal, row, actor)])


# --- events of plugins -----------------------------------------------------------------


def do_record_event(appeal_pk: int, actor, kind: str, *, reason: str = "",
                    from_value: str = "", to_value: str = "", data: dict | None = None,
                    public: bool = False) -> AppealEvent:
    """Record an event of a plugin's own kind (declared through `event_kinds`) in the
    message's history, for example a rating given. It changes nothing on the message: no
    status, no version; it is audited and the plugins are told, like every event.

    `actor` is a user, or None for the system (a link signed for the message's citizen
    is the system acting on their behalf).
    """
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("region")
                  .get(pk=appeal_pk))
        event = _event(appeal, kind, actor, from_value=from_value, to_value=to_value,
                       reason=reason, data=data, public=public)
        event.save()
        hooks_for(appeal.region).appeal_transitioned(appeal=appeal, event=event)
        audit.record(kind=AuditKind.ACTION, what=str(kind), actor=actor, appeal=appeal,
                     data={"events": [event.pk]})
        return event


# --- comments --------------------------------------------------------------------------


def do_add_comment(appeal_pk: int, actor, text: str) -> AppealEvent:
    """An internal comment between staff: in the history, never shown to the citizen."""
    with transaction.atomic():
        appeal, row = _begin(appeal_pk, actor, Action.COMMENT, None)
        text = _require(text, _("Write the comment."))
        event = _event(appeal, EventKind.COMMENT, actor, reason=text)
        _finish(appeal, row, actor, [event])
        return event
