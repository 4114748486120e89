"""The stand-in's own pages: its sign-in form and its consent page.

Signing in here records the person in the session under `IDENTITY_SESSION_KEY` and does
*not* log them in to the site: only the site's OpenID Connect callback does that, after
the token exchange, just as with ЕСИА.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from oauth2_provider.views import AuthorizationView

IDENTITY_SESSION_KEY = "accounts.devprovider.identity"


def signed_in_identity(request):
    """The person signed in to the stand-in in this browser, or an anonymous user."""
    user_id = request.session.get(IDENTITY_SESSION_KEY)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user or AnonymousUser()


class DevSignInView(FormView):
    """The stand-in's sign-in form: the demo accounts and their passwords."""

    form_class = AuthenticationForm
    template_name = "accounts/devprovider/login.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        self.request.session[IDENTITY_SESSION_KEY] = form.get_user().pk
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        # Only back to the authorisation request that sent the person here.
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        authorize = reverse("oauth2_provider:authorize")
        if target.startswith(authorize) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}
        ):
            return target
        return authorize

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "next": self.request.GET.get("next", ""),
        }


class DevAuthorizationView(AuthorizationView):
    """django-oauth-toolkit's authorisation endpoint, for whoever signed in *here*."""

    template_name = "accounts/devprovider/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        request.user = signed_in_identity(request)
        return super().dispatch(request, *args, **kwargs)

    def get_login_url(self):
        return reverse("oauth2_provider:sign-in")
