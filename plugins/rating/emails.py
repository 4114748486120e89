"""The rating section of the "answered" e-mail (`email_sections` hook): five signed
links, one per score. The hook is asked only where the plugin is on, so a region that
switched it off sends the core's letter alone, which promises no rating."""

from __future__ import annotations

from cms.kernel.hookspecs import EmailSection
from cms.kernel.plugins import hookimpl
from cms.models import Answer

from .links import score_links
from .models import RatingSettings

__all__ = ["email_sections"]

ANSWERED = "appeal_answered"
RATING_LINKS = "rating/email/rating_links.txt"


@hookimpl
def email_sections(template, appeal, event, context):
    if template != ANSWERED or appeal is None or event is None:
        return None
    answer = (Answer.objects.select_related("appeal__region__site")
              .filter(pk=event.data.get("answer"), appeal_id=appeal.pk, is_published=True)
              .first())
    if answer is None:
        return None
    rules = RatingSettings.for_region(appeal.region)
    return [EmailSection(template=RATING_LINKS, context={
        "rating_links": score_links(answer),
        "rating_text": rules.email_text,
        "rating_link_days": rules.link_lifetime_days,
    })]
