"""Rating from "my messages" (`appeal_public_panels` hook): on the citizen's page of an
answered message, the form for its latest answer (or the rating given and whether it can
still change), posting to the rating page with a freshly signed token."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl

from .forms import RatingForm
from .links import make_token, page_path
from .models import Rating, RatingSettings
from .services import (
    RATEABLE,
    can_change,
    change_deadline,
    latest_answer,
    rating_version,
)

__all__ = ["appeal_public_panels"]


@hookimpl
def appeal_public_panels(appeal, request):
    if appeal.status not in RATEABLE:
        return None
    answer = latest_answer(appeal)
    if answer is None:
        return None
    answer.appeal = appeal  # signing reads the message: no second query
    rules = RatingSettings.for_region(appeal.region)
    rating = Rating.objects.filter(answer=answer).first()
    open_for_change = rating is None or can_change(rating, rules)
    form = None
    if open_for_change:
        form = RatingForm(threshold=rules.low_threshold, initial={
            "version": rating_version(rating),
            "score": rating.score if rating else None,
            "solved": rating.solved if rating else "",
            "comment": rating.comment if rating else ""})
    return [PagePanel(
        title=_("Your rating of the answer") if rating else _("Rate the answer"),
        template="rating/panel.html", order=50,
        context={"form": form, "rating": rating, "action": page_path(make_token(answer)),
                 "change_until": change_deadline(rating, rules) if rating else None},
    )]
