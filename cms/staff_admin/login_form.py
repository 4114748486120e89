"""The staff login form: Wagtail's, with its password field labelled in the catalogue
(Wagtail leaves the label to Django, which writes the field's name: "Password")."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class StaffLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
