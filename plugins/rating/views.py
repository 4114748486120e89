"""The rating page behind the e-mailed link: GET shows the message, the answer and the
form and changes nothing; POST (CSRF protected) confirms the rating through `rate()`.

The link works without logging in: the signed token is the citizen's authority. Every
refusal is a page of its own with the HTTP status that fits, and writes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.kernel.plugins import is_enabled
from cms.portal.security import strict_csp

from .forms import RatingForm
from .links import ExpiredLink, ForeignLink, LinkError, read_token
from .models import MAX_SCORE, MIN_SCORE, Rating
from .services import (
    InvalidRating,
    RatingNotAccepted,
    StaleRating,
    can_change,
    change_deadline,
    rate,
    rating_version,
)

PLUGIN = "rating"
# Where a form posted from the citizen's message page sends them back.
BACK_TO_MESSAGE = "message"


def refused(request, title: str, text: str, status: int, retry_url: str = ""):
    return strict_csp(render(request, "rating/refused.html",
                             {"title": title, "text": text, "retry_url": retry_url},
                             status=status))


def link_refused(request, error: LinkError):
    if isinstance(error, ExpiredLink):
        return refused(request, _("The rating link has expired"),
                       _("Rating links are valid for a limited time. You can still rate "
                         "the answer on the page of your message after logging in."), 410)
    if isinstance(error, ForeignLink):
        return refused(request, _("The rating link does not fit this answer"),
                       _("The link names a message or an answer it does not belong to. "
                         "Open the link from the e-mail about your message."), 400)
    return refused(request, _("The rating link is not valid"),
                   _("The link has been changed or is incomplete. Open it again from the "
                     "e-mail, copying the whole address."), 400)


class _CsrfCheckWithOwnPage(CsrfViewMiddleware):
    """Django's CSRF check, refusing with the rating's own page in Russian instead of
    the site-wide technical one."""

    def _reject(self, request, reason):
        return refused(request, _("The form could not be accepted"),
                       _("The form was sent without its security check: it may have "
                         "been open too long, or sent from another site. Open the page "
                         "again and confirm your rating."), 403,
                       retry_url=request.path)


def csrf_refusal(request):
    """The refusal page when a POST fails Django's CSRF check, else None. Run in the
    view, after the token and the region's switch: a page that does not exist answers
    404 to every method."""
    return _CsrfCheckWithOwnPage(lambda request: None).process_view(request, None, (), {})


def preselected_score(request) -> tuple[int | None, bool]:
    """(the score of the link's ?score=, whether the parameter was wrong)."""
    raw = request.GET.get("score")
    if raw is None:
        return None, False
    if raw.isdigit() and MIN_SCORE <= int(raw) <= MAX_SCORE:
        return int(raw), False
    return None, True


def render_page(request, link, form, rating, rules, status=200, notice=""):
    open_for_change = rating is None or can_change(rating, rules)
    return strict_csp(render(request, "rating/page.html", {
        "appeal": link.appeal,
        "answer": link.answer,
        "rating": rating,
        "rules": rules,
        "form": form if open_for_change else None,
        "change_until": change_deadline(rating, rules) if rating else None,
        "done": request.GET.get("done") == "1",
        "notice": notice,
    }, status=status))


@csrf_exempt  # checked in the view by `csrf_refusal`, which refuses with our page
@never_cache
@require_http_methods(["GET", "POST"])
def rating_page(request, token: str):
    try:
        link = read_token(token)
    except LinkError as error:
        if error.appeal is not None and not is_enabled(PLUGIN, error.appeal.region):
            raise Http404 from error
        return link_refused(request, error)
    if not is_enabled(PLUGIN, link.appeal.region):
        raise Http404
    rules = link.rules
    rating = Rating.objects.filter(answer=link.answer).first()
    if request.method == "POST":
        return csrf_refusal(request) or confirm(request, link, rating, rules)
    score, wrong_score = preselected_score(request)
    initial = {"version": rating_version(rating),
               "score": score or (rating.score if rating else None),
               "solved": rating.solved if rating else "",
               "comment": rating.comment if rating else ""}
    form = RatingForm(initial=initial, threshold=rules.low_threshold)
    if wrong_score:
        return render_page(request, link, form, rating, rules, status=400,
                           notice=_("The score in the link is not one from 1 to 5: "
                                    "choose one below."))
    return render_page(request, link, form, rating, rules)


def confirm(request, link, rating, rules):
    if rating is not None and not can_change(rating, rules):
        return refused(request, _("The rating cannot be accepted"),
                       _("The time to change this rating has passed."), 403)
    form = RatingForm(request.POST, threshold=rules.low_threshold)
    if not form.is_valid():
        return render_page(request, link, form, rating, rules, status=400)
    data = form.cleaned_data
    citizen = request.user if (request.user.is_authenticated
                               and request.user.pk == link.appeal.citizen_id) else None
    try:
        rate(link.answer, data["score"], comment=data["comment"], solved=data["solved"],
             by=citizen, version=data["version"])
    except StaleRating as error:
        return refused(request, _("Your rating has changed meanwhile"), str(error), 409,
                       retry_url=request.path)
    except RatingNotAccepted as error:
        return refused(request, _("The rating cannot be accepted"), str(error), 403)
    except InvalidRating as error:
        form.add_error(None, str(error))
        return render_page(request, link, form, rating, rules, status=400)
    if citizen is not None and request.POST.get("back") == BACK_TO_MESSAGE:
        return redirect(reverse("portal:message",
                                kwargs={"public_id": link.appeal.public_id}))
    return redirect(f"{request.path}?done=1")
