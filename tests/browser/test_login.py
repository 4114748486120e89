"""The citizen logs in through the development provider's sign-in form, in chromium."""

from django.contrib.auth import get_user_model
from django.core.cache import cache

from cms.accounts.devprovider.conf import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from cms.accounts.devprovider.demo import ensure_demo_client
from cms.accounts.models import CitizenProfile


def test_citizen_logs_in_through_the_provider(
    page, live_server, settings, transactional_db
):
    cache.clear()
    settings.POS_OIDC_ISSUER = f"{live_server.url}/dev-idp"
    settings.POS_OIDC_CLIENT_ID = DEMO_CLIENT_ID
    settings.POS_OIDC_CLIENT_SECRET = DEMO_CLIENT_SECRET
    citizen = get_user_model().objects.create_user(
        "citizen",
        password="demo",
        first_name="Иван",
        last_name="Петров",
        email="citizen@demo-oblast.example",
    )
    ensure_demo_client(redirect_uris=(f"{live_server.url}/accounts/callback/",))

    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    assert page.url.startswith(f"{live_server.url}/dev-idp/sign-in/")
    assert page.locator("[data-dev-provider]").is_visible()
    page.fill("#id_username", "citizen")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert page.locator("[data-citizen-name]").inner_text() == "Иван Петров"
    # The demo citizen's own account, linked by the provider's subject: no second one.
    assert list(CitizenProfile.objects.values_list("user", flat=True)) == [citizen.pk]
    cache.clear()
