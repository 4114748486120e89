"""The rating section of a message's page in the staff admin, and its two forms.

The section (`appeal_admin_panels`) shows every rating of the message and, while a low
rating review is open, "Reopen" and "Close the review" for a curator who may take them.
The forms post to the plugin's own admin URLs (`wagtail_hooks.py`), which act through
`plugins.rating.review` and come back to the message's page with what happened: a stale
form or a refused action is a message there, never an error page. A message the user
may not see is the same 404 as a missing one; so is a region with the plugin off.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl, is_enabled
from cms.models import Appeal
from cms.permissions.policy import appeal_policy
from cms.workflow.errors import WorkflowError

from .models import LowRatingReview, Rating
from .review import close_review, may_close_review, may_reopen, reopen_from_review

__all__ = ["rating_panel"]

PLUGIN_NAME = "rating"
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ReviewForm(forms.Form):
    """The open review and the message's version the page showed."""

    review = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(ReviewForm):
    prefix = "reopen"
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=TEXTAREA,
        error_messages={"required": gettext_lazy("Give the reason.")},
        help_text=gettext_lazy("The citizen is told; the message gets a new deadline."))


class CloseReviewForm(ReviewForm):
    prefix = "close"
    comment = forms.CharField(
        label=gettext_lazy("Comment"), widget=TEXTAREA,
        error_messages={"required": gettext_lazy("Write a comment.")},
        help_text=gettext_lazy("Kept in the message's history. An answered message is "
                               "closed."))


# --- the section on the message's page -------------------------------------------------


def ratings_of(appeal) -> list[Rating]:
    reviews = LowRatingReview.objects.select_related("closed_by").order_by("opened_at", "pk")
    return list(Rating.objects.filter(appeal_id=appeal.pk).select_related("answer")
                .prefetch_related(Prefetch("reviews", queryset=reviews))
                .order_by("created_at", "pk"))


@hookimpl(specname="appeal_admin_panels")
def rating_panel(appeal, request) -> list[PagePanel] | None:
    ratings = ratings_of(appeal)
    if not ratings:
        return None
    open_review = next((review for rating in ratings for review in rating.reviews.all()
                        if review.is_open), None)
    context = {"ratings": ratings, "open_review": open_review}
    if open_review is not None:
        initial = {"review": open_review.pk, "version": appeal.version}
        if may_reopen(request.user, appeal):
            context["reopen_form"] = ReopenForm(initial=initial)
        if may_close_review(request.user, appeal):
            context["close_form"] = CloseReviewForm(initial=initial)
    return [PagePanel(title=_("Rating"), template="rating/admin/review_panel.html",
                      context=context, order=30)]


# --- the forms' views --------------------------------------------------------------------


def _visible_appeal(request, pk) -> Appeal:
    appeal = appeal_policy.get_visible_or_404(
        request.user, pk, Appeal.objects.select_related("region"))
    if not is_enabled(PLUGIN_NAME, appeal.region):
        raise Http404
    return appeal


def _act(request, pk, form_class, run, done: str):
    """Validate the form, `run(appeal, cleaned_data)`, and go back to the message's page
    with `done` or with why nothing was done."""
    appeal = _visible_appeal(request, pk)
    page = redirect(reverse("pos_messages:detail", kwargs={"pk": appeal.pk}))
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(
            str(error) for errors in form.errors.values() for error in errors))
        return page
    try:
        run(appeal, form.cleaned_data)
    except WorkflowError as refused:
        messages.error(request, str(refused))
        return page
    messages.success(request, done)
    return page


@require_POST
def reopen(request, pk):
    def run(appeal, data):
        reopen_from_review(appeal.pk, data["review"], request.user, data["reason"],
                           version=data["version"])

    return _act(request, pk, ReopenForm, run,
                _("The message is reopened; the citizen is told."))


@require_POST
def close(request, pk):
    def run(appeal, data):
        close_review(appeal.pk, data["review"], request.user, data["comment"],
                     version=data["version"])

    return _act(request, pk, CloseReviewForm, run, _("The low rating review is closed."))
