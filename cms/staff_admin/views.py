"""The message page in the admin, its action forms, and file downloads.

Every view asks the permission policy first: a message the user may not see is the same
404 as a missing one. Every action goes through its write path; the contact data and every
download are written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import chain

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import audit
from cms.kernel.plugins import hooks_for
from cms.models import (
    Answer,
    Appeal,
    Attachment,
    AttachmentKind,
    AuditKind,
    EventKind,
    Postponement,
)
from cms.permissions.policy import appeal_policy
from cms.workflow import table
from cms.workflow.actions import last_changed_by, waiting_draft
from cms.workflow.errors import StaleVersion, WorkflowError
from cms.workflow.table import Action

from . import shell
from .display import describe_event, time_left
from .forms import FORMS
from .queues import registered_queues

# Shown only when the waiting draft is of the matching kind.
DRAFT_ACTIONS = {Action.APPROVE_ANSWER: Answer, Action.APPROVE_POSTPONEMENT: Postponement}


def appeal_queryset():
    return Appeal.objects.select_related(
        "region", "region__site", "category", "subcategory", "territory", "organisation",
        "executor", "citizen", "widget_organisation",
    )


def get_appeal(request, pk) -> Appeal:
    return appeal_policy.get_visible_or_404(request.user, pk, appeal_queryset())


def plugin_panels(appeal, request) -> list[str]:
    """Every PagePanel the region's plugins return, rendered, in their order."""
    answers = hooks_for(appeal.region).appeal_admin_panels(appeal=appeal, request=request)
    panels = sorted(chain.from_iterable(answer or [] for answer in answers),
                    key=lambda panel: panel.order)
    return [
        {"title": panel.title,
         "html": render_to_string(panel.template,
                                  {"appeal": appeal, "request": request, **panel.context},
                                  request=request)}
        for panel in panels
    ]


@dataclass(frozen=True)
class Decisions:
    """The message's answers (each with its files), postponements and the citizen's
    files: read once (three queries) for the history and the waiting draft."""

    answers: list[Answer]
    postponements: list[Postponement]
    citizen_files: list[Attachment]

    @classmethod
    def of(cls, appeal) -> Decisions:
        answers = list(appeal.answers.select_related("author", "decided_by"))
        files = list(appeal.attachments.all())  # an answer's files are its message's
        for answer in answers:
            _prefetched(answer, "files", [f for f in files if f.answer_id == answer.pk])
        return cls(answers,
                   list(appeal.postponements.select_related("author", "decided_by")),
                   [f for f in files if f.kind == AttachmentKind.CITIZEN])

    def waiting_draft(self) -> Answer | Postponement | None:
        return waiting_draft(self.answers, self.postponements)


def _prefetched(instance, related_name: str, rows: list) -> None:
    """Give `instance.<related_name>.all()` the rows already read, as Django's
    `prefetch_related` does, without a query of its own."""
    queryset = getattr(instance, related_name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[related_name] = queryset


def action_forms(request, appeal, bound=None, decisions=None) -> tuple[list, object]:
    """The forms of the actions this user may take now (the comment form apart)."""
    rows = appeal_policy.available_transitions(request.user, appeal)
    # The waiting draft matters only to those who may decide on one.
    draft = None
    if any(row.action in DRAFT_ACTIONS for row in rows):
        draft = (decisions or Decisions.of(appeal)).waiting_draft()
    forms, comment = [], None
    for row in rows:
        needed = DRAFT_ACTIONS.get(row.action)
        if needed is not None and not isinstance(draft, needed):
            continue
        form_class = FORMS.get(row.action)
        if form_class is None:
            continue
        form = bound if bound is not None and bound.action == row.action else form_class(
            appeal=appeal)
        if row.action == Action.COMMENT:
            comment = form
        else:
            forms.append(form)
    return forms, comment


def render_page(request, appeal, **kwargs):
    # The whole page reads the region's clock (cms.regiontime), the plugins' panels
    # too, rendered here and now rather than after the zone is restored.
    with timezone.override(appeal.region.tzinfo):
        return _render_page(request, appeal, **kwargs).render()


def _render_page(request, appeal, *, bound=None, show_contact=False, unsent=None,
                 status=200):
    decisions = Decisions.of(appeal)
    forms, comment_form = action_forms(request, appeal, bound, decisions)
    events = list(appeal.events.select_related("actor").order_by("created_at", "pk"))
    tz = appeal.region.tzinfo
    # The citizen's name is contact data too: unnamed in the timeline for those who may
    # not see it (a national operator, unless the region shares it).
    may_see_contacts = appeal_policy.may_see_contacts(request.user, appeal)
    timeline = [describe_event(event, tz) for event in events]
    if not may_see_contacts:
        timeline = [replace(entry, who=_("Citizen"))
                    if event.actor_id and event.actor_id == appeal.citizen_id else entry
                    for event, entry in zip(events, timeline, strict=True)]
    context = {
        "appeal": appeal,
        "page_title": _("Message %(number)s") % {"number": appeal.number},
        "header_icon": "mail",
        "time_left": time_left(appeal),
        "forms": forms,
        "comment_form": comment_form,
        "timeline": timeline,
        "redirects": [e for e in events
                      if e.kind == EventKind.ADDRESSEE_CHANGED and e.data.get("redirect")],
        "answers": decisions.answers,
        "postponements": decisions.postponements,
        "clarifications": appeal.clarifications.select_related("asked_by"),
        "citizen_files": decisions.citizen_files,
        "show_contact": show_contact and may_see_contacts,
        "may_see_contacts": may_see_contacts,
        "panels": plugin_panels(appeal, request),
        "unsent": unsent,
    }
    return TemplateResponse(request, "staff_admin/appeal_detail.html", context, status=status)


def appeal_detail(request, pk):
    shell.prime(request.user)  # before the policy asks the user's roles
    appeal = get_appeal(request, pk)
    show_contact = (request.GET.get("contact") == "1"
                    and appeal_policy.may_see_contacts(request.user, appeal))
    if show_contact:
        audit.record(kind=AuditKind.VIEW_PERSONAL_DATA, what=_("Citizen's contact data"),
                     actor=request.user, appeal=appeal)
    return render_page(request, appeal, show_contact=show_contact)


def _shown_value(form, name, field) -> str:
    """What the user entered in one field, as they would recognise it (a choice's label,
    not its key), from the cleaned data when the form is valid, else from the post."""
    cleaned = getattr(form, "cleaned_data", {})
    if isinstance(field, forms.ModelChoiceField) and cleaned.get(name) is not None:
        value = field.label_from_instance(cleaned[name])
    else:
        value = cleaned[name] if name in cleaned else form[name].value()
        if isinstance(field, forms.ChoiceField) and value not in (None, ""):
            labels = _choice_labels(field)
            value = ([labels.get(str(item), item) for item in value]
                     if isinstance(value, (list, tuple)) else labels.get(str(value), value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value if str(item).strip())
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def _choice_labels(field) -> dict[str, str]:
    labels = {}
    for key, label in field.choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(getattr(key, "value", key))] = str(label)
    return labels


def _unsent_text(form) -> str:
    """What the user typed into a form that could not be sent, so it is not lost: every
    field they filled (whether or not it passed its checks) and the names of the files
    they chose, which a browser cannot put back into a file field."""
    values = []
    for name, field in form.fields.items():
        if name == "version" or isinstance(field, forms.FileField):
            continue
        shown = _shown_value(form, name, field)
        if shown:
            values.append((field.label, shown))
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            chosen = [upload.name for upload in form.files.getlist(form.add_prefix(name))]
            if chosen:
                values.append((_("%(label)s (not saved: choose them again)")
                               % {"label": field.label}, ", ".join(chosen)))
    return format_html_join(mark_safe("<br>"), "<strong>{}</strong>: {}", values)


def _posted_version(form) -> int | None:
    try:
        return int(form.data.get(form.add_prefix("version"), ""))
    except (TypeError, ValueError):
        return None


def _opened_on_older_version(form, appeal) -> bool:
    """The form was opened before the message last changed, and the action is one the
    workflow table versions (comments are not). Its input may no longer fit the message
    (the status moved on, a choice went away), so it is answered as the write path
    answers a stale form rather than with the form's own errors."""
    row = table.find(appeal.status, form.action)
    versioned = row.versioned if row is not None else True
    posted = _posted_version(form)
    return versioned and posted is not None and posted != appeal.version


def _outdated_page(request, pk, form, form_class, reason: str):
    """409: the message changed under the form. The page is shown as it is now, with
    the user's input above it and, if the action is still open to them, in its form; if
    the change took the message out of their hands, a page that says so keeps the input."""
    messages.error(request, reason)
    appeal_policy.forget(request.user)
    try:
        fresh = get_appeal(request, pk)
    except Http404:
        return TemplateResponse(request, "staff_admin/appeal_out_of_reach.html", {
            "page_title": _("Message %(number)s") % {"number": form.appeal.number},
            "header_icon": "mail",
            "unsent": _unsent_text(form),
            "next_url": landing_after_action(request.user, form.appeal),
        }, status=409)
    data = request.POST.copy()
    data[form.add_prefix("version")] = fresh.version
    kept = form_class(data, appeal=fresh)
    kept.is_valid()
    return render_page(request, fresh, bound=kept, unsent=_unsent_text(form), status=409)


def _changed_meanwhile(form, pk) -> StaleVersion | None:
    """After a refusal: whether the message changed since the form was opened (then the
    change, not the refusal it caused, is what the user needs to hear)."""
    now = Appeal.objects.filter(pk=pk).only("status", "version").first()
    if now is not None and _opened_on_older_version(form, now):
        return StaleVersion(last_changed_by(now))
    return None


@require_POST
def appeal_action(request, pk, action):
    appeal = get_appeal(request, pk)
    form_class = FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES, appeal=appeal)
    if not form.is_valid():
        if _opened_on_older_version(form, appeal):
            stale = StaleVersion(last_changed_by(appeal))
            return _outdated_page(request, pk, form, form_class, str(stale))
        return render_page(request, appeal, bound=form, status=400)
    try:
        form.run(request.user)
    except StaleVersion as stale:
        return _outdated_page(request, pk, form, form_class, str(stale))
    except WorkflowError as refused:
        # Another person's action, committed while this one waited for the row, can
        # make this user no party to the message any more (a redirect elsewhere).
        stale = _changed_meanwhile(form, pk)
        if stale is not None:
            return _outdated_page(request, pk, form, form_class, str(stale))
        form.add_error(None, str(refused))
        return render_page(request, appeal, bound=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": form.action.label})
    return redirect(landing_after_action(request.user, appeal))


def landing_after_action(user, appeal) -> str:
    """The message's page while the user may still see it; after a redirect (or anything
    that takes the message out of their hands) their first queue, so the success message
    shows on a page that exists, on the next request."""
    appeal_policy.forget(user)
    now = Appeal.objects.filter(pk=appeal.pk).first()  # as the action left it
    if now is not None and appeal_policy.user_can_view(user, now):
        return reverse("pos_messages:detail", kwargs={"pk": appeal.pk})
    for queue in registered_queues():
        if queue.is_shown_to(user):
            return f"{reverse('wagtailadmin_home')}queues/{queue.key}/"
    return reverse("wagtailadmin_home")


def download_attachment(request, public_id):
    attachment = get_object_or_404(Attachment.objects.select_related("appeal"),
                                   public_id=public_id)
    if not appeal_policy.user_can_view(request.user, attachment.appeal):
        raise Http404
    audit.record(kind=AuditKind.DOWNLOAD, what=attachment.original_name or str(public_id),
                 actor=request.user, appeal=attachment.appeal,
                 data={"attachment": str(attachment.public_id), "kind": attachment.kind})
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        filename=attachment.original_name or "file",
                        content_type=attachment.content_type)
