"""Who is told what when a message moves: one place for the workflow's notifications.

`notify_transition` is called by the workflow's write paths inside their transaction; each
notification is recorded in the outbox and sent after commit (`cms.notifications.notify`).
A notification is keyed by (template, event, recipient), so a retried write path never
sends one twice. Plugins add sections to these e-mails through the `email_sections` hook,
asked when the notification is recorded.
"""

from __future__ import annotations

from types import MappingProxyType

from django.utils import formats, timezone

from cms.kernel.plugins import hooks_for
from cms.models import Role, Status
from cms.permissions.grants import role_holders
from cms.submission.region_cache import region_cached
from cms.workflow.table import Action

from .links import citizen_link, staff_link
from .outbox import SECTIONS, notify_all

# The citizen hears of these actions (the registration e-mail is registration's own).
CITIZEN_TEMPLATES = {
    Action.ASK_CITIZEN: "clarification_requested",
    Action.REJECT: "appeal_rejected",
    Action.EXPIRE_CLARIFICATION: "appeal_rejected",
    Action.APPROVE_POSTPONEMENT: "appeal_postponed",
    Action.APPROVE_ANSWER: "appeal_answered",
    Action.REOPEN: "appeal_reopened",
}

RETURNS = frozenset({Action.RETURN_TO_EXECUTOR, Action.RETURN_FOR_REWORK, Action.REOPEN})


def local_date(moment, region) -> str:
    return formats.date_format(timezone.localtime(moment, region.tzinfo), "SHORT_DATE_FORMAT")


def region_moderators(region) -> list:
    """The region's moderators, kept per region version (`region_cache`: a grant,
    membership or staff account saved bumps it): every new message tells them."""
    return region_cached(region, "notifications:moderators",
                         lambda: list(role_holders(Role.MODERATOR, region=region)))


def staff_recipients(appeal, transition) -> tuple[str, list]:
    """(template, users) of the staff to tell about `transition`, or ("", [])."""
    action, target = transition.action, transition.target
    executor = [appeal.executor] if appeal.executor_id else []
    if action in RETURNS:
        return "returned_for_rework", executor
    if action in (Action.ASSIGN_EXECUTOR, Action.RESUME):
        return "queue_new_message", executor
    if not transition.changes_status:
        return "", []
    if target == Status.ON_MODERATION:
        return "queue_new_message", region_moderators(appeal.region)
    if target == Status.SENT_TO_ORGANISATION:
        return "queue_new_message", list(
            role_holders(Role.COORDINATOR, organisation=appeal.organisation))
    if target == Status.ON_APPROVAL:
        return "approval_waiting", list(
            role_holders(Role.HEAD, organisation=appeal.organisation))
    return "", []


def plugin_sections(appeal, event, template: str, context: dict) -> list[dict]:
    """The sections the plugins enabled for the message's region add to this e-mail, in
    their order, as the notification stores them (template and context)."""
    answers = hooks_for(appeal.region).email_sections(
        template=template, appeal=appeal, event=event, context=MappingProxyType(context))
    sections = sorted((section for answer in answers for section in answer or ()),
                      key=lambda section: section.order)
    return [{"template": section.template, "context": dict(section.context)}
            for section in sections]


def with_plugin_sections(notices: list[dict], appeal, event) -> list[dict]:
    """`notices` with the plugins' sections in each one's context. The hook is asked once
    per distinct letter: the staff told of one change all get the same one."""
    asked: list[tuple[str, dict, list[dict]]] = []
    result = []
    for notice in notices:
        template, context = notice["template"], notice.get("context") or {}
        sections = next((known for name, seen, known in asked
                         if name == template and seen == context), None)
        if sections is None:
            sections = plugin_sections(appeal, event, template, context)
            asked.append((template, context, sections))
        result.append({**notice, "context": {**context, SECTIONS: sections}}
                      if sections else notice)
    return result


def notify_transition(appeal, transition, event, context: dict | None = None,
                      also: list[dict] = ()) -> None:
    """Tell the citizen and the staff concerned that `transition` happened (`event` is the
    event it wrote; `context` adds what the templates show, such as a reason). `also`
    are the write path's own notices, recorded in the same statement. Every notice gets
    the sections plugins add to its e-mail (`email_sections` hook)."""
    base = {"number": appeal.number, "status": str(Status(appeal.status).label),
            **(context or {})}
    notices = list(also)
    template = CITIZEN_TEMPLATES.get(transition.action)
    if template and appeal.citizen_id:
        notices.append(dict(
            template=template, email=appeal.citizen_snapshot.get("email", ""),
            recipient=appeal.citizen, appeal=appeal,
            context={**base, "link": citizen_link(appeal)},
            dedup_key=f"{template}:{event.pk}",
        ))
    template, users = staff_recipients(appeal, transition)
    for user in users:
        notices.append(dict(
            template=template, email=user.email, recipient=user, appeal=appeal,
            context={**base, "link": staff_link(appeal)},
            dedup_key=f"{template}:{event.pk}:{user.pk}",
        ))
    notify_all(with_plugin_sections(notices, appeal, event))
