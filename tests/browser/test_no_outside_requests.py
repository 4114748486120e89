"""Nothing leaves the machine: every admin page a role reaches, the login page and the
citizen's portal ask only the test server (finding 13 of issue 11). The conftest's
`no_outside_requests` fixture fails any browser test that asks another host; this file
checks that it notices one, and walks the pages that used to ask gravatar and Wagtail."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.staff_steps import as_user, with_password
from tests.workflow.builders import message

ROLES = ("moderator", "coordinator", "executor", "head", "curator", "editor")


def test_a_request_to_another_host_is_noticed(page, no_outside_requests):
    # A page of no policy of ours: the site's own pages forbid other hosts (CSP), so the
    # browser would not even ask there.
    page.set_content('<img src="http://outside.invalid/x.png">')
    page.wait_for_timeout(300)
    assert any(urlsplit(url).netloc == "outside.invalid" for url in no_outside_requests)
    no_outside_requests.clear()  # noticed: this test is about the noticing itself


def test_the_login_page_and_every_role_s_admin_ask_only_the_server(
        page, live_server, admin_login, demo, no_outside_requests):
    with_password(ROLES)
    appeal = message()
    page.goto(f"{live_server.url}/admin/login/")
    page.wait_for_load_state("networkidle")
    for role in ROLES:
        as_user(page, admin_login, role)
        for url in ("/admin/", "/admin/account/", "/admin/queues/region/",
                    f"/admin/messages/{appeal.pk}/"):
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
        avatars = page.eval_on_selector_all(
            "img", "imgs => imgs.map(img => img.currentSrc || img.src)")
        assert all(urlsplit(src).netloc in ("", urlsplit(live_server.url).netloc)
                   for src in avatars), avatars
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in no_outside_requests
             if urlsplit(url).scheme.startswith("http")}
    assert hosts == {urlsplit(live_server.url).netloc}
