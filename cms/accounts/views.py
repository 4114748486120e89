"""Citizens' login through the identity provider, logout, and the profile page.

`accounts:login` works as a `login_url`: it starts the OpenID Connect flow at once and
brings the citizen back to `?next=` (a path on this site only) once logged in.
"""

import logging

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .citizens import do_change_notification_email
from .forms import NotificationEmailForm
from .oidc.config import ClientSettings
from .oidc.errors import LoginRefused
from .oidc.flow import finish_login, start_login

log = logging.getLogger(__name__)


def safe_next(request, candidate: str | None) -> str:
    """`candidate` if it is a path on this site, else the profile page."""
    if (
        candidate
        and candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return reverse("accounts:profile")


def refused(request, failure: LoginRefused):
    log.warning("Citizen login refused: %s", failure)
    return render(
        request,
        "accounts/login_error.html",
        {"failure": failure, "retry_url": reverse("accounts:login")},
        status=failure.status,
    )


@require_GET
def login(request):
    try:
        url = start_login(request, safe_next(request, request.GET.get("next")))
    except LoginRefused as failure:
        return refused(request, failure)
    return HttpResponseRedirect(url)


@require_GET
def callback(request):
    try:
        completed = finish_login(request)
        user = authenticate(
            request,
            oidc_issuer=completed.issuer,
            oidc_claims=completed.claims,
            subject_claim=ClientSettings.from_settings().subject_claim,
        )
        if user is None:
            raise LoginRefused("account_disabled")
    except LoginRefused as failure:
        return refused(request, failure)
    auth_login(request, user)
    return HttpResponseRedirect(completed.next_url)


@require_http_methods(["GET", "POST"])
def logout(request):
    if request.method == "POST":
        auth_logout(request)
        return redirect("/")
    return render(request, "accounts/logout.html")


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def profile(request):
    citizen = getattr(request.user, "citizen_profile", None)
    if citizen is None:
        # Staff accounts have no citizen profile: they log in to the admin instead.
        raise Http404
    form = NotificationEmailForm(
        request.POST or None, initial={"notification_email": citizen.notification_email}
    )
    if request.method == "POST" and form.is_valid():
        do_change_notification_email(citizen, form.cleaned_data["notification_email"])
        messages.success(request, _("The e-mail for notifications is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"citizen": citizen, "form": form})
