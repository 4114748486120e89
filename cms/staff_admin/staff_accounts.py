"""Region administrators create staff accounts of their own region, with a role.

The account gets no usable password; an invitation e-mail carries a one-time link to set
one (cms.accounts.staff_password), and "Забыли пароль?" on the login sends a new link.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.accounts.staff_password import send_invitation
from cms.models import Organisation, Role
from cms.permissions.grants import grant_role
from cms.permissions.policy import configurable_regions


class NewStaffAccountForm(forms.Form):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$")
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            region__in=configurable_regions(user)
        ).select_related("region")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("This user name is taken. To give an existing account a role, add a "
                  "staff membership instead.")
            )
        return username


@transaction.atomic
def do_create_staff_account(data: dict):
    User = get_user_model()
    user = User(username=data["username"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"])
    user.set_unusable_password()
    user.save()
    grant_role(user, data["organisation"], Role(data["role"]))
    return user


def new_staff_account(request):
    if not configurable_regions(request.user).exists():
        raise PermissionDenied
    form = NewStaffAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = do_create_staff_account(form.cleaned_data)
        # After the commit: the link must name an account that exists.
        if send_invitation(user):
            messages.success(request, _(
                "Staff account %(name)s created. An invitation to set a password was "
                "sent to %(email)s.") % {"name": user, "email": user.email})
        else:
            messages.warning(request, _(
                "Staff account %(name)s created, but the invitation could not be sent to "
                "%(email)s. They can ask for a link with “Forgot password?” on the login "
                "page.") % {"name": user, "email": user.email})
        return redirect(reverse("cms_staffmembership_modeladmin_index"))
    return TemplateResponse(request, "staff_admin/new_staff_account.html", {"form": form})
