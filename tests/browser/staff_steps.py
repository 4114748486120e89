"""Steps the browser tests share: demo accounts with a known password, logging in as one
of them, opening a message from a queue, handing a user's session to the browser."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "demo"


def with_password(usernames) -> dict:
    """The demo accounts `usernames`, given `PASSWORD` (the test database has none)."""
    users = {user.username: user
             for user in get_user_model().objects.filter(username__in=usernames)}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return users


def as_user(page, admin_login, username):
    page.context.clear_cookies()
    return admin_login(username, PASSWORD)


def open_from_queue(page, live_server, queue, appeal):
    page.goto(f"{live_server.url}/admin/queues/{queue}/")
    page.click(f"a:text-is('{appeal.number}')")
    page.wait_for_url(f"{live_server.url}/admin/messages/{appeal.pk}/")


def browse_as(page, live_server, user) -> None:
    """Give the browser a session of `user` (a citizen, who logs in through ЕСИА)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
