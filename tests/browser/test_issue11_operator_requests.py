"""Finding 13 of issue 11 for the platform operator: Wagtail shows its update check and
"what's new" to superusers only, which tests/browser/test_no_outside_requests.py (the
demo's staff roles) never is. The operator's admin pages ask only the test server."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def test_the_operator_s_admin_asks_only_the_server(page, live_server, admin_login, demo,
                                                   no_outside_requests):
    get_user_model().objects.create_superuser("operator-13", "op@example.org", "pw-13")
    admin_login("operator-13", "pw-13")
    for url in ("/admin/", "/admin/account/", "/admin/users/", "/admin/pages/"):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_timeout(1500)  # the update check runs from a script after the load
    assert no_outside_requests, "the browser's requests were not recorded"
