"""Local development and the demo: debug on, mail to the console."""

from cms.accounts.devprovider.conf import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    load_or_create_rsa_key_pem,
    oauth2_provider_settings,
)

from .base import *  # noqa: F403
from .env import env

DEBUG = True
# A fixed key is fine for a laptop demo; production.py requires one from the environment.
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
POS_DEMO = True

# The embedded SQLite database and uploads live here (git-ignored).
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Citizens log in through the development stand-in for ЕСИА at /dev-idp/ (labelled as
# such); POS_OIDC_* in the environment points the login at a real provider instead.
POS_DEV_IDP = True
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]  # noqa: F405
OAUTH2_PROVIDER = oauth2_provider_settings(
    load_or_create_rsa_key_pem(VAR_DIR / "dev-idp-key.pem")  # noqa: F405
)
POS_OIDC_ISSUER = env("POS_OIDC_ISSUER", "http://127.0.0.1:8000/dev-idp")
POS_OIDC_CLIENT_ID = env("POS_OIDC_CLIENT_ID", DEMO_CLIENT_ID)
POS_OIDC_CLIENT_SECRET = env("POS_OIDC_CLIENT_SECRET", DEMO_CLIENT_SECRET)

# The demo's console is read by a person: plain lines, and no access line per request
# beside runserver's own (production keeps JSON lines for the log collector).
LOGGING["handlers"]["console"]["formatter"] = env("POS_LOG_FORMAT", "plain")  # noqa: F405
LOGGING["loggers"]["pos.request"]["level"] = (  # noqa: F405
    "INFO" if env("POS_ACCESS_LOG", "0") == "1" else "WARNING")

# The second demo region's portal is at ural.localhost:8000 (*.localhost is loopback).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".localhost"]  # noqa: F405
