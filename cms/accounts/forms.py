from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationEmailForm(forms.Form):
    """The address the citizen wants answers and status changes sent to."""

    notification_email = forms.EmailField(
        label=_("E-mail for notifications"),
        help_text=_("Answers and changes of status of your messages are sent here."),
        max_length=254,
    )
