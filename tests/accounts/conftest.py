import pytest
from django.core.cache import cache

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture
def provider(live_server, settings, transactional_db):
    """The development provider on the live server; the site's client pointed at it."""
    cache.clear()  # discovery documents and keys of an earlier test's provider
    settings.POS_OIDC_ISSUER = f"{live_server.url}/dev-idp"
    settings.POS_OIDC_CLIENT_ID = CLIENT_ID
    settings.POS_OIDC_CLIENT_SECRET = CLIENT_SECRET
    yield Provider(live_server.url)
    cache.clear()


@pytest.fixture
def oidc_configured(settings):
    """Client settings with no provider behind them (refusals before any request)."""
    settings.POS_OIDC_ISSUER = "http://127.0.0.1:9/nowhere"
    settings.POS_OIDC_CLIENT_ID = CLIENT_ID
    settings.POS_OIDC_CLIENT_SECRET = CLIENT_SECRET
    return settings
