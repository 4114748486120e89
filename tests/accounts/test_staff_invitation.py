"""Finding 6: new staff can log in. The invitation's one-time link (received by a real SMTP
server on loopback) sets a password; "Забыли пароль?" works for accounts without one; a
used or expired link gives a clear page offering a new one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext

from cms.models import Role
from cms.permissions.grants import grant_role
from tests import factories
from tests.notifications.smtp import SMTPServer
from tests.workflow.builders import demo_staff

ADMIN = "admin.test:8124"
LINK = re.compile(r"https?://\S+/password_reset/confirm/\S+/")
PASSWORD = "Kirpich-Zhuravl-42"


@pytest.fixture
def inbox(settings):
    """The letters a real SMTP server on loopback received; the admin at ADMIN."""
    settings.WAGTAILADMIN_BASE_URL = f"http://{ADMIN}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "admin.test"]
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server.inbox


def create_staff_account(client, username="new.executor", email="new@example.org"):
    client.force_login(demo_staff()["editor"])
    organisation = factories.organisation("adm-gorsk")
    response = client.post(reverse("staff_new"), {
        "username": username, "first_name": "Пётр", "last_name": "Сидоров",
        "email": email, "organisation": organisation.pk, "role": Role.EXECUTOR},
        follow=True)
    client.logout()
    return response


def the_link(inbox, to: str) -> str:
    (letter,) = [letter for letter in inbox.messages if str(letter["To"]) == to]
    (link,) = LINK.findall(letter.get_content())
    assert urlsplit(link).netloc == ADMIN
    return link


def open_link(client, link: str, **kwargs):
    parts = urlsplit(link)
    return client.get(parts.path, HTTP_HOST=parts.netloc, follow=True, **kwargs)


def set_password(client, link: str):
    """Open the link as the browser does and set PASSWORD on the page it leads to."""
    page = open_link(client, link)
    assert page.status_code == 200 and page.context["validlink"]
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else urlsplit(link).path
    return client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD},
                       HTTP_HOST=ADMIN, follow=True)


def logs_in(client, username) -> bool:
    client.logout()
    response = client.post(reverse("wagtailadmin_login"),
                           {"username": username, "password": PASSWORD}, HTTP_HOST=ADMIN)
    return response.status_code == 302 and client.get(
        reverse("wagtailadmin_home"), HTTP_HOST=ADMIN).status_code == 200


def test_a_new_staff_account_is_invited_sets_a_password_and_logs_in(client, demo, inbox):
    created = create_staff_account(client)
    assert "new@example.org" in created.content.decode()  # the editor is told
    user = get_user_model().objects.get(username="new.executor")
    assert not user.has_usable_password()

    letter = inbox.messages[0]
    assert "new.executor" in letter.get_content()
    done = set_password(client, the_link(inbox, "new@example.org"))

    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == reverse("wagtailadmin_password_reset_complete")
    assert logs_in(client, "new.executor")


def test_a_used_link_gives_a_clear_page_offering_a_new_one(client, demo, inbox):
    create_staff_account(client)
    link = the_link(inbox, "new@example.org")
    set_password(client, link)
    client.logout()

    again = open_link(client, link)

    assert again.status_code == 200 and not again.context["validlink"]
    page = again.content.decode()
    assert reverse("wagtailadmin_password_reset") in page
    # Said in the page's language, not Wagtail's English-only sentence.
    assert "possibly because it has already been used" not in page
    assert gettext("This link no longer works") in page
    assert gettext("A link to set a password works once, for a limited time. This one has "
                   "expired or has already been used.") in page


def test_an_expired_link_gives_the_same_clear_page(client, demo, inbox, settings):
    create_staff_account(client)
    link = the_link(inbox, "new@example.org")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than this

    expired = open_link(client, link)

    assert expired.status_code == 200 and not expired.context["validlink"]
    assert reverse("wagtailadmin_password_reset") in expired.content.decode()


def test_forgot_password_reaches_staff_without_a_password(client, demo, inbox):
    staff = factories.user("no.password", email="nopass@example.org")
    staff.set_unusable_password()
    staff.save()
    grant_role(staff, factories.organisation("adm-gorsk"), Role.HEAD)
    citizen = factories.user("a.citizen", email="citizen-nopass@example.org")
    citizen.set_unusable_password()
    citizen.save()

    login_page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert reverse("wagtailadmin_password_reset") in login_page
    for email in ("nopass@example.org", "citizen-nopass@example.org"):
        response = client.post(reverse("wagtailadmin_password_reset"), {"email": email})
        assert response.status_code == 302

    # Only the staff member gets a link: a citizen logs in through the identity provider.
    assert [str(letter["To"]) for letter in inbox.messages] == ["nopass@example.org"]
    body = inbox.messages[0].get_content()
    assert "&#x27;" not in body and "&quot;" not in body
    set_password(client, the_link(inbox, "nopass@example.org"))
    assert logs_in(client, "no.password")


def test_the_editor_is_told_when_the_invitation_could_not_be_sent(client, demo, settings):
    from tests.notifications.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens

    created = create_staff_account(client)

    assert created.status_code == 200
    assert get_user_model().objects.filter(username="new.executor").exists()
    assert "Забыли пароль?" in created.content.decode() or (
        "Forgot password?" in created.content.decode())
