"""The site-wide content security policy does not break Wagtail's admin: chromium
reports no violation on the pages that use inline scripts (inline panels, date
pickers) or the admin's own scripts and styles."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_admin_runs_under_the_policy(page, live_server, admin_login, demo):
    factories.user("csp.root", is_superuser=True, is_staff=True)
    page.add_init_script(RECORD_VIOLATIONS)
    admin_login("csp.root", "pw")
    urls = ["/admin/", "/admin/users/", "/admin/images/", "/admin/account/",
            "/admin/queues/moderation/", "/admin/routing/routingrule/",
            "/admin/routing/routingrule/create/"]
    seen = {}
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status < 400, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        seen[url] = page.evaluate("window.__cspViolations")
    assert all(not violations for violations in seen.values()), seen
