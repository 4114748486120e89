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
