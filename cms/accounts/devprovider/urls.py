"""The stand-in's endpoints, in django-oauth-toolkit's namespace (its views reverse it).

Mounted by pos_site/urls.py at /dev-idp/ only when `POS_DEV_IDP` is on; its issuer is
then `<site>/dev-idp`, with discovery at `/dev-idp/.well-known/openid-configuration`.
"""

from django.urls import path, re_path
from oauth2_provider import views as oauth2_views

from . import views

app_name = "oauth2_provider"

urlpatterns = [
    path("sign-in/", views.DevSignInView.as_view(), name="sign-in"),
    path("authorize/", views.DevAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration$",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(
        ".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"
    ),
]
