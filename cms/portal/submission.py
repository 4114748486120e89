"""Serving a submission page: show the form, take it back, register the message.

`do_submit_appeal` is the write path: it registers through `cms.registration` and stores
the citizen's files in the same transaction. The page (portal channel) and the widget
(widget channel, with its organisation) both come through `serve_submission`.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from cms.models import Attachment, AttachmentKind, Channel
from cms.registration import NewAppeal, do_register_appeal

from .forms import AppealForm
from .ratelimit import check_submission_rate
from .security import strict_csp

LOGIN_URL = "accounts:login"
# The button that asks for the chosen category's subcategories without JavaScript.
REFRESH = "refresh"


def do_submit_appeal(
    *,
    form: AppealForm,
    citizen,
    channel: str = Channel.PORTAL,
    widget_organisation=None,
):
    """Register the message of a valid form with its files; returns (appeal, created).

    A form posted twice (same idempotency key) returns the first message and stores
    nothing new.
    """
    data = form.cleaned_data
    new = NewAppeal(
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
    )
    with transaction.atomic():
        appeal, created = do_register_appeal(new)
        if created:
            for clean in data.get("files") or []:
                attachment = Attachment(
                    appeal=appeal,
                    kind=AttachmentKind.CITIZEN,
                    original_name=clean.original_name,
                    content_type=clean.content_type,
                    size=len(clean.data),
                    uploaded_by=citizen,
                )
                attachment.file.save(
                    clean.extension, ContentFile(clean.data), save=False
                )
                attachment.save()
    return appeal, created


def form_from_post(page, request) -> AppealForm:
    """An unbound form showing what was posted (a refresh, not a submission)."""
    probe = AppealForm(page=page)
    initial = {
        name: field.widget.value_from_datadict(request.POST, {}, probe.add_prefix(name))
        for name, field in probe.fields.items()
        if name != "files"
    }
    return AppealForm(page=page, initial=initial)


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

    status = 200
    if request.method == "POST" and REFRESH in request.POST:
        form = form_from_post(page, request)
    elif request.method == "POST":
        verdict = check_submission_rate(request)
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
        form = AppealForm(request.POST, request.FILES, page=page)
        if form.is_valid():
            channel = (
                Channel.WIDGET if widget_organisation is not None else Channel.PORTAL
            )
            appeal, _created = do_submit_appeal(
                form=form,
                citizen=request.user,
                channel=channel,
                widget_organisation=widget_organisation,
            )
            url = (
                confirmation_url(appeal)
                if confirmation_url
                else reverse("portal:confirmation", args=[appeal.public_id])
            )
            return redirect(url)
        status = 200
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
            "widget_organisation": widget_organisation,
            **(extra_context or {}),
        }
    )
    response = TemplateResponse(request, template, context, status=status)
    return strict_csp(response)


def subcategory_map(form: AppealForm) -> dict[str, list[list]]:
    """Category id → [[subcategory id, name, photo required], …] for the script."""
    from cms.models import Subcategory

    categories = form.fields["category"].queryset
    mapping: dict[str, list[list]] = {}
    for sub in Subcategory.objects.filter(category__in=categories).order_by(
        "category_id", "position", "code"
    ):
        mapping.setdefault(str(sub.category_id), []).append(
            [sub.pk, sub.display_name, sub.photo_required]
        )
    return mapping
