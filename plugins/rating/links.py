"""Signed rating links: a token naming one message, one of its published answers and its
citizen, and the five per-score URLs built from it.

The token is signed with Django's signing (salted for this purpose only, so a token
signed for anything else never reads here) and time-stamped. How long it is valid is the
region's `link_lifetime_days`, checked when it is read, so a region that shortens the
lifetime shortens it for links already sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

from cms.models import Answer, Appeal
from cms.notifications.links import public_root

from .models import MAX_SCORE, MIN_SCORE, RatingSettings

SALT = "pos.rating.link"


class LinkError(Exception):
    """A rating link that cannot be used; nothing may be done with it. `appeal` is the
    message it names when that is known (its region decides whether the page exists)."""

    def __init__(self, appeal: Appeal | None = None):
        super().__init__()
        self.appeal = appeal


class AlteredLink(LinkError):
    """The token was changed, forged, or signed for another purpose."""


class ExpiredLink(LinkError):
    """The token was signed longer ago than the region's link lifetime."""


class ForeignLink(LinkError):
    """The token is genuine but its message, answer and citizen do not belong together
    (or no longer exist)."""


@dataclass(frozen=True)
class RatingLink:
    """What a valid token names, read back from the database, with the rules of its
    region (read once for the lifetime, kept for the page)."""

    appeal: Appeal
    answer: Answer
    rules: RatingSettings


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(answer: Answer) -> str:
    appeal = answer.appeal
    return _signer().sign_object({"m": appeal.pk, "a": answer.pk, "c": appeal.citizen_id})


def page_path(token: str, score: int | None = None) -> str:
    path = reverse("rating:page", kwargs={"token": token})
    return f"{path}?score={score}" if score is not None else path


def score_links(answer: Answer) -> list[dict]:
    """The five absolute links of an e-mail, one per score, as JSON-ready dicts."""
    token = make_token(answer)
    root = public_root(answer.appeal.region)  # as the core's e-mails link to it
    return [{"score": score, "url": root + page_path(token, score)}
            for score in range(MIN_SCORE, MAX_SCORE + 1)]


def read_token(token: str) -> RatingLink:
    """The message and answer a token names; raises a `LinkError` subclass otherwise."""
    signer = _signer()
    try:
        payload = signer.unsign_object(token)
    except signing.BadSignature as error:
        raise AlteredLink() from error
    if not isinstance(payload, dict):
        raise AlteredLink()
    answer = (Answer.objects.select_related("appeal__region__site", "appeal__territory")
              .filter(pk=payload.get("a"), is_published=True).first())
    if (answer is None or answer.appeal_id != payload.get("m")
            or answer.appeal.citizen_id != payload.get("c")):
        raise ForeignLink()
    rules = RatingSettings.for_region(answer.appeal.region)
    try:
        signer.unsign_object(token, max_age=timedelta(days=rules.link_lifetime_days))
    except signing.SignatureExpired as error:
        raise ExpiredLink(answer.appeal) from error
    return RatingLink(appeal=answer.appeal, answer=answer, rules=rules)
