"""Serving a submission page: show the form, take it back, register the message.

`do_submit_appeal` is the write path: it registers through `cms.submission.registration` and stores
the citizen's files in the same transaction (a rollback deletes them again). The page
(portal channel) and the widget (widget channel, with its organisation) both come through
`serve_submission`. A form that comes back, with an error or to show subcategories, holds
the files that passed their checks (`cms.submission.held_uploads`).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from cms.kernel.plugins import hooks_for
from cms.models import Attachment, AttachmentKind, Channel
from cms.portal.security import strict_csp
from cms.submission.registration import (
    Decision,
    NewAppeal,
    decide_registration,
    first_registration,
    register_appeal,
)
from cms.submission.stored_files import atomic_with_files

from . import held_uploads
from .counters import count_and_number
from .forms import AppealForm

LOGIN_URL = "accounts:login"
# The button that asks for the chosen category's subcategories without JavaScript.
REFRESH = "refresh"


def decide_submission(
    form: AppealForm,
    *,
    citizen,
    channel: str = Channel.PORTAL,
    widget_organisation=None,
) -> Decision:
    """The message of a valid form with its addressee and deadline, not yet written."""
    data = form.cleaned_data
    return decide_registration(NewAppeal(
        region=form.page.region,
        citizen=citizen,
        category=data["category"],
        subcategory=data["subcategory"],
        territory=data["territory"],
        text=data["text"],
        channel=channel,
        widget_organisation=widget_organisation,
        address=data.get("address", ""),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        extra_answers=form.extra_answers(),
        idempotency_key=data["idempotency_key"],
    ))


def do_submit_appeal(
    *,
    form: AppealForm,
    citizen,
    channel: str = Channel.PORTAL,
    widget_organisation=None,
    decision: Decision | None = None,
):
    """Register the message of a valid form with its files; returns (appeal, created).
    `decision` is `decide_submission` of the same form, when made already.

    A form posted twice (same idempotency key) returns the first message and stores
    nothing new. Files held for the form are released either way.
    """
    data = form.cleaned_data
    if decision is None:
        decision = decide_submission(form, citizen=citizen, channel=channel,
                                     widget_organisation=widget_organisation)
    # The registration's transaction (a savepoint inside a caller's, Open311's): any
    # failure rolls the message back, and the files with it. A repeated post is refused
    # by the idempotency key's constraint and answered, after the rollback, with the
    # first message: no savepoint of its own is needed for that.
    try:
        with atomic_with_files() as writes:
            appeal = register_appeal(decision)
            for clean in data.get("files") or []:
                attachment = Attachment(
                    appeal=appeal,
                    kind=AttachmentKind.CITIZEN,
                    original_name=clean.original_name,
                    content_type=clean.content_type,
                    size=len(clean.data),
                    uploaded_by=citizen,
                )
                writes.save(attachment.file, clean.extension, ContentFile(clean.data))
                attachment.save()
            held_uploads.release(form.held)  # all copied above
        created = True
    except IntegrityError as error:
        appeal, created = first_registration(decision.data, error), False
        held_uploads.release(form.held)  # made redundant by the first post
    return appeal, created


def hold_checked_files(form: AppealForm, citizen) -> None:
    """Keep the new files that passed their checks, and offer them on `form`."""
    if form.form_key is None or not form.checked_uploads:
        return
    rows, form.files_not_kept = held_uploads.hold(
        citizen, form.form_key, form.checked_uploads
    )
    form.add_held(rows)


def form_from_post(page, request) -> AppealForm:
    """An unbound form showing what was posted (a refresh, not a submission).

    The files chosen so far are checked and held, so the refresh loses none of them.
    """
    posted = AppealForm(request.POST, request.FILES, page=page, citizen=request.user)
    posted.is_valid()  # only to check the files; errors wait for the real submit
    initial = {
        name: field.widget.value_from_datadict(
            posted.data, {}, posted.add_prefix(name)
        )
        for name, field in posted.fields.items()
        if name != "files"
    }
    form = AppealForm(page=page, initial=initial, citizen=request.user)
    form.checked_uploads = posted.checked_uploads
    hold_checked_files(form, request.user)
    return form


def serve_submission(
    page,
    request,
    *,
    widget_organisation=None,
    confirmation_url=None,
    template="portal/submission_page.html",
    extra_context=None,
):
    """GET shows the form; POST refreshes it, or registers the message and redirects."""
    if not request.user.is_authenticated:
        if widget_organisation is not None:
            response = TemplateResponse(
                request,
                "portal/widget_login.html",
                {
                    "page": page,
                    "organisation": widget_organisation,
                    "login_url": reverse(LOGIN_URL)
                    + "?"
                    + urlencode({"next": request.get_full_path()}),
                },
            )
            return strict_csp(response)
        return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)

    if request.method == "POST" and REFRESH in request.POST:
        form = form_from_post(page, request)
    elif request.method == "POST":
        form = AppealForm(request.POST, request.FILES, page=page, citizen=request.user)
        # The form is checked, and the addressee and deadline chosen, first: they need
        # no writes (the page's choices, the region's rules and calendar are in memory).
        decision = None
        if form.is_valid():
            channel = (
                Channel.WIDGET if widget_organisation is not None else Channel.PORTAL
            )
            decision = decide_submission(
                form,
                citizen=request.user,
                channel=channel,
                widget_organisation=widget_organisation,
            )
        # Then the shared counters, committed before the registration's transaction
        # (`cms.submission.counters`): every post is counted, valid or not, and the
        # count is kept even if the registration then fails; an allowed message is
        # numbered.
        verdict = count_and_number(request, decision)
        appeal = None
        if verdict.allowed and decision is not None:
            appeal, _created = do_submit_appeal(
                form=form, citizen=request.user, decision=decision
            )
        if not verdict.allowed:
            base = (
                "portal/frame_base.html" if widget_organisation else "portal/base.html"
            )
            response = TemplateResponse(
                request,
                "portal/too_many.html",
                {"page": page, "base_template": base},
                status=429,
            )
            response["Retry-After"] = str(verdict.retry_after)
            return strict_csp(response)
        if appeal is not None:
            url = (
                confirmation_url(appeal)
                if confirmation_url
                else reverse("portal:confirmation", args=[appeal.public_id])
            )
            return redirect(url)
        form.offer_held_files()
        hold_checked_files(form, request.user)
    else:
        initial = {}
        if request.GET.get("category", "").isdigit():
            initial["category"] = request.GET["category"]
        form = AppealForm(page=page, initial=initial)

    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "form": form,
            "subcategory_map": subcategory_map(form),
            "form_notices": form_notices(page.region, form, request),
            "widget_organisation": widget_organisation,
            **(extra_context or {}),
        }
    )
    response = TemplateResponse(request, template, context)
    return strict_csp(response)


def form_notices(region, form: AppealForm, request) -> list[str]:
    """The notices the region's plugins add above the send button, rendered in order."""
    if region is None:
        return []
    answers = hooks_for(region).submission_form_notices(region=region, form=form,
                                                        request=request)
    panels = sorted((panel for answer in answers for panel in answer or []),
                    key=lambda panel: panel.order)
    return [render_to_string(panel.template, {"form": form, "region": region,
                                              "request": request, **panel.context},
                             request=request)
            for panel in panels]


def subcategory_map(form: AppealForm) -> dict[str, list[list]]:
    """Category id → [[subcategory id, name, photo required], …] for the script."""
    return {
        str(category_pk): [[sub.pk, sub.display_name, sub.photo_required] for sub in subs]
        for category_pk, subs in form.page_choices.subcategories.items()
    }
