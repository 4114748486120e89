"""Production: every secret from the environment; refuses to start without SECRET_KEY."""

from .base import *  # noqa: F403
from .env import env_bool, env_required

SECRET_KEY = env_required("SECRET_KEY")
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
