"""Possible duplicates on a message's page in the staff admin, and the one-click
rejection as a duplicate.

The section (`appeal_admin_panels`) lists the messages `similar.possible_duplicates`
finds, each the user may see with its number (a link), status and date. While the user
may reject the message (the workflow table and the permission policy say so, through
`available_transitions`), each has a "Reject as a duplicate of this one" button: a POST
to this plugin's admin URL, which rejects through the core's write path with the
region's duplicate reason and the original's number as its reference. A page opened
before someone else changed the message gets a 409 page saying who changed it.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl, is_enabled
from cms.models import Appeal, EventKind, Status
from cms.permissions.policy import appeal_policy
from cms.workflow.actions import do_reject_appeal
from cms.workflow.errors import StaleVersion, WorkflowError
from cms.workflow.reasons import ReasonChoice, find_reason, rejection_reasons
from cms.workflow.table import Action

from .similar import possible_duplicates

__all__ = ["duplicates_panel", "register_duplicate_admin_urls"]

PLUGIN_NAME = "reports"
# The code of the «Дубликат» reason: the key of the built-in one, the code of a region's.
DUPLICATE = "duplicate"
REFERENCE = re.compile(r"№\s*(\S+)\s*$")


def duplicate_reason(region) -> ReasonChoice | None:
    """The region's duplicate reason among those its moderators pick from, found by its
    code (the built-in reason's key; never by its wording, which the region edits), or
    None if it has none in use."""
    return find_reason(rejection_reasons(region), DUPLICATE)


def reason_text(reason: ReasonChoice, original: Appeal) -> str:
    """As the core's rejection form writes a reason with a reference."""
    return f"{reason.label}: № {original.number}"


def duplicate_of(appeal: Appeal) -> Appeal | None:
    """The original a rejected message was found a duplicate of, from its rejection."""
    reason = duplicate_reason(appeal.region)
    if reason is None:
        return None
    event = (appeal.events.filter(kind=EventKind.STATUS_CHANGED, to_value=Status.REJECTED,
                                  data__reason_key=reason.key)
             .order_by("-created_at", "-pk").first())
    match = REFERENCE.search(event.reason) if event else None
    if match is None:
        return None
    return Appeal.objects.filter(region_id=appeal.region_id, number=match[1]).first()


def may_reject(user, appeal: Appeal) -> bool:
    return any(row.action == Action.REJECT
               for row in appeal_policy.available_transitions(user, appeal))


# --- the section on the message's page --------------------------------------------------


@hookimpl(specname="appeal_admin_panels")
def duplicates_panel(appeal, request) -> list[PagePanel] | None:
    if request is None:  # rendered outside a request (no one to check permissions for)
        return None
    user = request.user
    if appeal.status == Status.REJECTED:
        original = duplicate_of(appeal)
        if original is None or not appeal_policy.user_can_view(user, original):
            return None
        return [PagePanel(title=_("Duplicate"), template="reports/duplicates_panel.html",
                          context={"original": original}, order=20)]
    # Only those the user may see, asked in the same query (not a check per message).
    found = possible_duplicates(
        appeal, within=appeal_policy.instances_user_has_permission_for(user))
    if not found:
        return None
    reason = duplicate_reason(appeal.region)
    return [PagePanel(
        title=_("Possible duplicates"), template="reports/duplicates_panel.html", order=20,
        context={"duplicates": found,
                 "can_reject": reason is not None and may_reject(user, appeal)})]


# --- the one-click rejection ------------------------------------------------------------


class RejectAsDuplicateForm(forms.Form):
    original = forms.IntegerField()
    version = forms.IntegerField()


@require_POST
def reject_as_duplicate(request, pk):
    appeal = appeal_policy.get_visible_or_404(
        request.user, pk, Appeal.objects.select_related("region"))
    if not is_enabled(PLUGIN_NAME, appeal.region):
        raise Http404
    page = redirect(reverse("pos_messages:detail", kwargs={"pk": appeal.pk}))
    form = RejectAsDuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return page
    original = appeal_policy.get_visible_or_404(
        request.user, form.cleaned_data["original"],
        Appeal.objects.filter(region_id=appeal.region_id).exclude(pk=appeal.pk))
    reason = duplicate_reason(appeal.region)
    if reason is None:
        messages.error(request, _("The region has no reason for rejecting duplicates."))
        return page
    try:
        do_reject_appeal(appeal.pk, request.user, reason_text(reason, original), reason.key,
                         version=form.cleaned_data["version"])
    except StaleVersion as stale:
        return TemplateResponse(request, "reports/duplicates_stale.html",
                                {"appeal": appeal, "original": original,
                                 "error": str(stale)}, status=409)
    except WorkflowError as refused:
        messages.error(request, str(refused))
        return page
    messages.success(request, _("Rejected as a duplicate of № %(number)s.")
                     % {"number": original.number})
    return page


def register_duplicate_admin_urls():
    return [path("reports/duplicates/<int:pk>/reject/", reject_as_duplicate,
                 name="reports_reject_duplicate")]
