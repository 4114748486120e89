"""Region administrators create staff accounts of their own region, with a role.

The account gets no usable password; an invitation e-mail carries a one-time link to set
one (cms.accounts.staff_password), and "Забыли пароль?" on the login sends a new link.

An account that the records name (the audit trail, a message's history, an answer it
wrote) is never deleted: the records keep it (PROTECT). Wagtail's user delete page and
its bulk delete answer such an account with a refusal that offers to deactivate it,
instead of the database's ProtectedError as a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.users.utils import user_can_delete_user

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


def deletion_blockers(user) -> list[str]:
    """What keeps `user` from being deleted: the kinds of records that name the account,
    with how many (empty if it can be deleted). Collects as a delete would, writes nothing."""
    collector = Collector(using=router.db_for_write(type(user)))
    try:
        collector.collect([user])
    except (ProtectedError, RestrictedError) as error:
        found = (error.protected_objects if isinstance(error, ProtectedError)
                 else error.restricted_objects)
        by_model: dict = {}
        for record in found:
            by_model[record._meta] = by_model.get(record._meta, 0) + 1
        return [f"{capfirst(opts.verbose_name_plural)}: {count}"
                for opts, count in sorted(by_model.items(), key=lambda item: str(item[0]))]
    return []


def refusal(request, users: list, status: int) -> TemplateResponse:
    """The page that says why these accounts stay, with a button to deactivate each."""
    return TemplateResponse(request, "staff_admin/user_delete_refused.html", {
        "accounts": [{"user": user, "blockers": blockers,
                      "deactivate_url": reverse("pos_deactivate_user", args=[user.pk])}
                     for user, blockers in users],
        "users_url": reverse("wagtailusers_users:index"),
    }, status=status)


@hooks.register("before_delete_user")
def refuse_to_delete_an_account_the_records_name(request, user):
    blockers = deletion_blockers(user)
    if blockers:
        # The confirmation page too (GET), so nobody is asked to confirm what cannot be.
        return refusal(request, [(user, blockers)], 409 if request.method == "POST" else 200)
    return None


@hooks.register("before_bulk_action")
def refuse_to_bulk_delete_accounts_the_records_name(request, action_type, objects,
                                                    action_class):
    if action_type != "delete" or get_user_model() not in action_class.models:
        return None
    kept = [(user, blockers) for user in objects if (blockers := deletion_blockers(user))]
    if kept:
        return refusal(request, kept, 409)
    return None


@require_POST
def deactivate_user(request, pk):
    """The alternative to deleting: the account can no longer log in, its records stay."""
    user = get_object_or_404(get_user_model(), pk=pk)
    if not user_can_delete_user(request.user, user):
        raise PermissionDenied
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    messages.success(request, _("Account %(name)s deactivated: it can no longer log in, and "
                                "the records that name it are kept.") % {"name": user})
    return redirect(reverse("wagtailusers_users:index"))


@hooks.register("register_admin_urls")
def deactivation_urls():
    return [path("staff-accounts/<int:pk>/deactivate/", deactivate_user,
                 name="pos_deactivate_user")]
