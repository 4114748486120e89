"""The lists staff pick reasons from.

Rejection reasons are the region's `RejectionReason` rows, edited in the admin. Every
region starts with `DEFAULT_REJECTION_REASONS` as rows (`seed_rejection_reasons`, when the
region is created; a data migration for older regions), which its editors reword or
retire, and adds its own. The curator's reasons to return an answer for rework are the
St Petersburg practice (domain facts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cms.models import RejectionReason


@dataclass(frozen=True)
class ReasonChoice:
    key: str
    label: str
    needs_reference: bool = False


DEFAULT_REJECTION_REASONS = (
    ReasonChoice("not_a_problem", _("Not a problem")),
    ReasonChoice("obscene", _("Obscene or insulting language")),
    ReasonChoice("duplicate", _("A duplicate of another message"), needs_reference=True),
    ReasonChoice("formal_appeal", _("Not a message but a formal appeal")),
    ReasonChoice("no_competence", _("Outside the competence of the region's bodies")),
)

REWORK_REASONS = (
    ReasonChoice("formality", _("A formality that does not address the substance")),
    ReasonChoice("no_date", _("No date given for fixing the problem")),
    ReasonChoice("no_evidence", _("No evidence (acts, photos)")),
    ReasonChoice("legal_references", _("Legal references without explanation")),
    ReasonChoice("contradictory", _("The answer contradicts itself")),
)


def seed_rejection_reasons(region) -> int:
    """Give `region` the built-in reasons it lacks (by code), worded in the platform's
    default language; returns how many were added. A reason the region retired or
    reworded stays as it is."""
    have = set(RejectionReason.objects.filter(region=region).exclude(code="")
               .values_list("code", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        missing = [
            RejectionReason(region=region, code=choice.key, title=str(choice.label),
                            needs_reference=choice.needs_reference, position=position)
            for position, choice in enumerate(DEFAULT_REJECTION_REASONS, start=1)
            if choice.key not in have
        ]
    RejectionReason.objects.bulk_create(missing)
    return len(missing)


def rejection_reasons(region) -> list[ReasonChoice]:
    """The reasons a moderator of `region` picks from: its reasons in use."""
    return [
        ReasonChoice(row.key, row.title, row.needs_reference)
        for row in RejectionReason.objects.filter(region=region, is_active=True)
    ]


def find_reason(choices, key: str) -> ReasonChoice | None:
    return next((choice for choice in choices if choice.key == key), None)
