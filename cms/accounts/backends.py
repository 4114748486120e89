"""The authentication backend for citizens: verified OpenID Connect claims."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from cms.models.held_query import HeldQuery

from .citizens import AccountConflict, CitizenClaims, do_sync_citizen
from .oidc.errors import LoginRefused

# The signed-in citizen, read on every request of theirs; the profile comes with the user,
# since every page a citizen submits on reads it.
CITIZEN = HeldQuery(
    lambda pk: get_user_model()._default_manager.select_related("citizen_profile")
    .filter(pk=pk),
    pk=-271828,
)


class CitizenOIDCBackend(BaseBackend):
    """`authenticate(request, oidc_issuer=..., oidc_claims=...)` with claims that
    `cms.accounts.oidc` already verified (signature, issuer, audience, expiry, nonce).

    Creates or updates the citizen's account (`do_sync_citizen`) and returns the user,
    or None for a blocked account. Answers no permission questions: staff permissions
    come from the model and guardian backends.
    """

    def authenticate(
        self, request, oidc_issuer=None, oidc_claims=None, subject_claim="sub"
    ):
        if oidc_issuer is None or oidc_claims is None:
            return None
        try:
            claims = CitizenClaims.from_claims(oidc_claims, subject_claim)
        except ValueError as error:
            raise LoginRefused("id_token.malformed", str(error)) from error
        try:
            user = do_sync_citizen(oidc_issuer, claims)
        except AccountConflict as error:
            raise LoginRefused("account_conflict", str(error)) from error
        return user if user.is_active else None

    def get_user(self, user_id):
        found = CITIZEN(pk=int(user_id))
        return found[0] if found and found[0].is_active else None
