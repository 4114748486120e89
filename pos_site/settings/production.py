"""Production: every secret from the environment; refuses to start without SECRET_KEY."""

from .base import *  # noqa: F403
from .env import env, env_bool, env_list, env_required

SECRET_KEY = env_required("SECRET_KEY")
# A restarting PostgreSQL makes new connections wait up to this many seconds
# (cms.operations.db.postgresql) instead of failing their requests.
DATABASES["default"]["CONNECT_RETRY_SECONDS"] = float(  # noqa: F405
    env("DATABASE_CONNECT_RETRY_SECONDS", "15"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "cms.operations.db.postgresql"  # noqa: F405
DEBUG = False
POS_DEMO = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The widget's form runs in an iframe on organisations' own sites, so its session and
# CSRF cookies must be sent cross-site (SameSite=None needs the Secure cookies above;
# CSRF tokens and the Origin check still guard every form). POS_WIDGET_CROSS_SITE=0
# keeps Lax where no widget is embedded on another site.
if env_bool("POS_WIDGET_CROSS_SITE", True):
    SESSION_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SAMESITE = "None"

# HTTPS (issue 16). nginx terminates TLS in a region's installation and passes
# X-Forwarded-Proto; the loopback stack (scripts/stack) speaks plain HTTP and sets
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0 for itself only.
# A deployment that says it runs without HTTPS (SECURE_COOKIES=0) is not redirected to it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", env_bool("SECURE_COOKIES", True))
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# "preload" only states consent; nothing is preloaded until the region submits its domain.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Only the loopback stack runs without HTTPS; check --deploy is still asked to pass
# there, so the checks that assume HTTPS are silenced only when HTTPS is off by choice.
# An installation may name further checks it knowingly fails (POS_SILENCED_SYSTEM_CHECKS,
# comma-separated), so that they show in its environment file rather than nowhere.
SILENCED_SYSTEM_CHECKS = env_list("POS_SILENCED_SYSTEM_CHECKS", "")
if not env_bool("SECURE_COOKIES", True):
    SILENCED_SYSTEM_CHECKS += [
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    ]
