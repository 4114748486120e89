"""Staff set their own password: an invitation when the account is made, and "Забыли
пароль?" on the admin login.

Both send a one-time link to Wagtail's set-password page (Django's token generator: the
link stops working once the password is set, or after PASSWORD_RESET_TIMEOUT). An
expired or used link opens Wagtail's "invalid link" page, which offers a new one.

Staff accounts start with no usable password, and Django's reset form skips such
accounts; this one sends to them too. Citizens have no password either, but they log in
through the identity provider only: the reset never reaches an account without access
to the administration.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.forms.auth import PasswordResetForm

from cms.notifications.links import staff_root
from cms.notifications.plaintext import render_plain_text

logger = logging.getLogger(__name__)

INVITATION = "accounts/email/staff_invitation.txt"


def is_staff_account(user) -> bool:
    return user.is_active and (user.is_superuser
                               or user.has_perm("wagtailadmin.access_admin"))


def set_password_link(user) -> str:
    """A one-time link to the page where `user` sets a password."""
    return staff_root() + reverse("wagtailadmin_password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })


def send_invitation(user) -> bool:
    """E-mail a new staff account its link to set a password; False when it could not be
    sent (the editor is told, and "Забыли пароль?" sends another)."""
    text = render_plain_text(INVITATION, {
        "user": user, "link": set_password_link(user),
        "link_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "login": staff_root() + reverse("wagtailadmin_login"),
    })
    subject, _sep, body = text.strip().partition("\n")
    try:
        send_mail(subject.strip(), body.strip() + "\n", None, [user.email])
    except Exception as error:  # noqa: BLE001 - reported to the editor, not raised
        logger.warning("Invitation to user %s not sent: %s", user.pk, error)
        return False
    return True


class StaffPasswordResetForm(PasswordResetForm):
    """Wagtail's "forgotten password" form, for staff accounts with or without a
    password; the letter is plain text, not HTML-escaped."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email,
                                                          is_active=True)
        return (user for user in users if is_staff_account(user))

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(render_plain_text(subject_template_name, context).splitlines())
        body = render_plain_text(email_template_name, context)
        try:
            send_mail(subject, body, from_email, [to_email])
        except Exception:  # noqa: BLE001 - the page must not say whether the address exists
            logger.exception("Password reset e-mail to user %s not sent",
                             context["user"].pk)
