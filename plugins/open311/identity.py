"""The citizen behind an API request: identified by ЕСИА, vouched for by the integration.

Federal Law 547-FZ wants every citizen who files an appeal identified, so an integration
that does not identify citizens through ЕСИА files nothing. One that does (the ЕПГУ)
passes the citizen's ЕСИА identifier in the spec's `account_id`, with the name and contacts
it knows; the account is then found or created exactly as at the portal's ЕСИА login
(`do_sync_citizen`, under the portal's issuer), so a citizen who later logs in to the
portal sees the messages filed for them through the ЕПГУ.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from cms.accounts.citizens import AccountConflict, CitizenClaims, do_sync_citizen
from cms.accounts.oidc.config import ClientSettings

from .errors import ApiError
from .models import Integration

# The spec's field for the submitter's account, holding the ЕСИА identifier (`oid`).
SUBJECT_FIELD = "account_id"


def _field(data: Mapping, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def claims_of(data: Mapping) -> dict:
    """The request's fields as the identity provider's claims name them."""
    return {
        "sub": _field(data, SUBJECT_FIELD),
        "given_name": _field(data, "first_name"),
        "middle_name": _field(data, "middle_name"),
        "family_name": _field(data, "last_name"),
        "email": _field(data, "email"),
        "phone_number": _field(data, "phone"),
    }


def citizen_for(integration: Integration, data: Mapping):
    """The citizen's account for this request, matched or created; or ApiError."""
    if not integration.vouches_for_esia:
        raise ApiError.of(403, _("This integration does not identify citizens through "
                                 "ЕСИА, so it may not file requests."))
    issuer = ClientSettings.from_settings().issuer
    if not issuer:
        # Without the portal's login there is no account space to match the citizen in.
        raise ApiError.of(403, _("The site has no ЕСИА login configured."))
    try:
        claims = CitizenClaims.from_claims(claims_of(data))
    except ValueError:
        raise ApiError.of(400, _("account_id (the citizen's ЕСИА identifier) is "
                                 "required.")) from None
    try:
        return do_sync_citizen(issuer, claims)
    except AccountConflict:
        raise ApiError.of(403, _("This citizen's account belongs to another identity "
                                 "provider.")) from None
