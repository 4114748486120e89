"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every test here is marked `browser`. Chromium is Debian's (/usr/bin/chromium): Playwright
cannot download its own browser on these machines, and a missing browser fails the run.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The widget's test serves its host page from a second server on loopback: what stays
# on this machine is the test's own; any other host is a third party.
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_the_test_server(url, server: str) -> bool:
    # *.localhost names loopback in the browser (RFC 6761): the second region's portal.
    return (url.netloc == server or url.hostname in LOOPBACK
            or (url.hostname or "").endswith(".localhost"))


@pytest.fixture(autouse=True)
def no_outside_requests(request):
    """Every browser test fails if any page asked a host other than the test server: a
    platform holding citizens' personal data makes no request to a third party (fonts,
    scripts, avatars, update checks). Each browser context the test opens records the
    hosts its pages ask; they are checked once the test is over."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    server = urlsplit(request.getfixturevalue("live_server").url).netloc
    asked: list[str] = []
    new_context = browser.new_context

    def recording_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("request", lambda req: asked.append(req.url))
        return context

    browser.new_context = recording_context
    try:
        yield asked
    finally:
        browser.new_context = new_context
    outside = sorted({url for url in asked
                      if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                      and not is_the_test_server(urlsplit(url), server)})
    assert not outside, f"requests to hosts other than the test server: {outside}"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def admin_login(page, live_server):
    """Log a user in to the Wagtail admin through its real login form."""

    def login(username: str, password: str):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        # The login page is under /admin/ too: wait until the browser has left it.
        page.wait_for_url(
            lambda url: url.startswith(f"{live_server.url}/admin/") and "/login/" not in url
        )
        return page

    return login
