"""Who is calling: the API key's integration, what it may file, and how often.

The views call `authenticate` first, then `check_rate`, then `require_service` for the
service a POST names. Each refusal is the spec's error (`ApiError`) with its HTTP status:
401 for a missing or unknown key, 403 for a revoked key, another region's jurisdiction or a
service out of the integration's scope, 429 past the key's rate.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cms.submission import ratelimit

from .errors import ApiError
from .models import Integration, split_key

RATE_WINDOW_SECONDS = 60
# Issued keys are 78 characters; anything much longer is not worth hashing.
KEY_MAX_LENGTH = 200


def authenticate(request, api_key: str | None, jurisdiction_id: str | None) -> Integration:
    """The integration whose key this is, allowed to act in `jurisdiction_id` (a region's
    code; None or empty means the key's own region)."""
    if not api_key:
        raise ApiError.of(401, _("An api_key is required."))
    parsed = split_key(api_key.strip()) if len(api_key) <= KEY_MAX_LENGTH else None
    integration = None
    if parsed is not None:
        prefix, key = parsed
        integration = (Integration.objects.select_related("region")
                       .filter(key_prefix=prefix).first())
        if integration is not None and not integration.key_matches(key):
            integration = None
    if integration is None:
        raise ApiError.of(401, _("The api_key is not valid."))
    if integration.is_revoked:
        raise ApiError.of(403, _("The api_key has been revoked."))
    if jurisdiction_id and jurisdiction_id != integration.region.code:
        raise ApiError.of(403, _("The api_key is not valid for this jurisdiction."))
    return integration


def check_rate(integration: Integration) -> None:
    """Count one request with this key; refuse it past the key's rate per minute.

    Counted by the portal's own limiter (`cms.submission.ratelimit`), shared by every web
    process, so a key cannot multiply its rate by spreading over workers."""
    verdict = ratelimit._hit("open311-key", str(integration.pk),
                             integration.rate_per_minute, RATE_WINDOW_SECONDS)
    if not verdict.allowed:
        raise ApiError.of(429, _("Too many requests with this api_key; try again later."),
                          retry_after=verdict.retry_after)


def allows_service(integration: Integration, subcategory) -> bool:
    """Whether the integration may file this service (no services chosen: every one)."""
    scoped = [service.pk for service in integration.services.all()]
    return not scoped or subcategory.pk in scoped


def require_service(integration: Integration, subcategory) -> None:
    if not allows_service(integration, subcategory):
        raise ApiError.of(403, _("The api_key may not file requests for this service."))
