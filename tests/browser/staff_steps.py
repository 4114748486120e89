"""Steps the staff browser tests share: demo accounts with a known password, logging in
as one of them, opening a message from a queue."""

from __future__ import annotations

from django.contrib.auth import get_user_model

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
