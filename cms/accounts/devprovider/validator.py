"""What the development provider says about a person: standard OpenID Connect claims."""

from oauth2_provider.oauth2_validators import OAuth2Validator


def demo_phone(user) -> str:
    """A made-up mobile number, stable per account (demo accounts have no phones)."""
    return f"+7900{user.pk:07d}"


class DevIdentityValidator(OAuth2Validator):
    """Claims of a signed-in person; `sub` stays django-oauth-toolkit's (the user's pk).

    Each claim is released only with its scope (`profile`, `email`, `phone`), as ЕСИА
    releases data only with the scopes the citizen agreed to.
    """

    def get_additional_claims(self, request):
        user = request.user
        return {
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            "email": user.email,
            "email_verified": bool(user.email),
            "phone_number": demo_phone(user),
        }
