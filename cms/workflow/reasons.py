"""The lists staff pick reasons from.

Rejection reasons are the region's (`RejectionReason` rows, edited in the admin); a region
that has none uses `DEFAULT_REJECTION_REASONS`. The curator's reasons to return an answer
for rework are the St Petersburg practice (domain facts).
"""

from __future__ import annotations

from dataclasses import dataclass

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


def rejection_reasons(region) -> list[ReasonChoice]:
    """The reasons a moderator of `region` picks from."""
    own = [
        ReasonChoice(f"region:{row.pk}", row.title, row.needs_reference)
        for row in RejectionReason.objects.filter(region=region, is_active=True)
    ]
    return own or list(DEFAULT_REJECTION_REASONS)


def find_reason(choices, key: str) -> ReasonChoice | None:
    return next((choice for choice in choices if choice.key == key), None)
