"""The citizen's own pages: "my messages", a message, its files; the widget's script."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from cms.kernel.plugins import hooks_for
from cms.models import AttachmentKind, Organisation, Region, Status
from cms.permissions import (
    citizen_appeals,
    get_citizen_appeal_or_404,
    get_citizen_attachment_or_404,
)
from cms.submission.views import LOGIN_URL
from cms.workflow.actions import do_answer_clarification
from cms.workflow.errors import WorkflowError

from .forms import ClarificationAnswerForm
from .history import public_history, shows_deadline
from .security import strict_csp
from .widget import snippet_for, widget_page_for

PAGE_SIZE = 20


def citizen_page(view):
    """Logged-in citizens only (to the login with `next`), under the portal's policy."""

    @login_required(login_url=LOGIN_URL)
    def wrapped(request, *args, **kwargs):
        return strict_csp(view(request, *args, **kwargs))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@citizen_page
def my_messages(request):
    appeals = (
        citizen_appeals(request.user)
        .select_related("category", "region")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/my_messages.html", {"appeals": page})


@citizen_page
def confirmation(request, public_id):
    appeal = get_citizen_appeal_or_404(request.user, public_id)
    return render(request, "portal/confirmation.html", {"appeal": appeal})


def public_panels(appeal, request) -> list[dict]:
    """Plugins' sections (e.g. the rating form), rendered in their order."""
    results = hooks_for(appeal.region).appeal_public_panels(
        appeal=appeal, request=request
    )
    panels = sorted(
        (panel for result in results if result for panel in result),
        key=lambda panel: panel.order,
    )
    return [
        {
            "title": panel.title,
            "html": render_to_string(
                panel.template,
                {"appeal": appeal, "request": request, **panel.context},
                request=request,
            ),
        }
        for panel in panels
    ]


def open_question(appeal):
    """The clarifying question waiting for the citizen's answer, if any."""
    if appeal.status != Status.WAITING_FOR_CITIZEN:
        return None
    return (
        appeal.clarifications.filter(answered_at__isnull=True, expired_at__isnull=True)
        .order_by("-asked_at")
        .first()
    )


def render_message(request, appeal, clarification_form=None, status=200):
    appeal = (
        type(appeal)
        .objects.select_related(
            "region", "category", "subcategory", "territory", "organisation"
        )
        .get(pk=appeal.pk)
    )
    question = open_question(appeal)
    if question is not None and clarification_form is None:
        clarification_form = ClarificationAnswerForm(
            initial={"version": appeal.version}
        )
    return render(
        request,
        "portal/message.html",
        {
            "appeal": appeal,
            "history": public_history(appeal),
            "shows_deadline": shows_deadline(appeal),
            "attachments": appeal.attachments.filter(kind=AttachmentKind.CITIZEN),
            "answers": appeal.answers.filter(is_published=True)
            .prefetch_related("files")
            .order_by("published_at", "pk"),
            "question": question,
            "clarification_form": clarification_form if question else None,
            "panels": public_panels(appeal, request),
        },
        status=status,
    )


@citizen_page
def message(request, public_id):
    return render_message(request, get_citizen_appeal_or_404(request.user, public_id))


@citizen_page
@require_POST
def answer_clarification(request, public_id):
    """The citizen's answer to a clarifying question (the workflow decides)."""
    appeal = get_citizen_appeal_or_404(request.user, public_id)
    form = ClarificationAnswerForm(request.POST)
    if form.is_valid():
        try:
            do_answer_clarification(
                appeal_pk=appeal.pk,
                citizen=request.user,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except WorkflowError as error:
            form.add_error("text", str(error))
        else:
            return redirect("portal:message", public_id=appeal.public_id)
    return render_message(request, appeal, clarification_form=form)


@login_required(login_url=LOGIN_URL)
def attachment(request, public_id):
    """A file of the citizen's own message, as a download with a generated name."""
    item = get_citizen_attachment_or_404(request.user, public_id)
    siblings = list(
        item.appeal.attachments.filter(
            kind=item.kind, answer=item.answer_id
        ).values_list("pk", flat=True)
    )
    index = siblings.index(item.pk) + 1
    suffix = (
        mimetypes.guess_extension(item.content_type)
        or PurePath(item.original_name).suffix.lower()
    )
    part = "answer-" if item.kind == AttachmentKind.ANSWER else ""
    name = f"{item.appeal.number}-{part}{index}{suffix}"
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return strict_csp(response)


# The widget script's own texts, translated in portal/widget.js: makemessages reads no
# .js template for the "django" domain, so they are marked here to reach the catalogue.
WIDGET_TEXTS = (gettext_noop("Report a problem"), gettext_noop("Close"),
                gettext_noop("Message form"))


@require_GET
@cache_control(public=True, max_age=3600)
def widget_script(request):
    return render(
        request, "portal/widget.js", {}, content_type="text/javascript; charset=utf-8"
    )


def widget_demo(request, code):
    """A demo organisation's "own website" embedding the widget (demo installs only)."""
    if not settings.POS_DEMO:
        raise Http404
    organisation = get_object_or_404(
        Organisation.objects.select_related("region"),
        code=code,
        region__code=request.GET.get("region", "demo"),
    )
    region: Region = organisation.region
    snippet = snippet_for(organisation, widget_page_for(region), request)
    if snippet is None:
        raise Http404
    return render(
        request,
        "portal/widget_demo.html",
        {"organisation": organisation, "snippet": snippet},
    )
