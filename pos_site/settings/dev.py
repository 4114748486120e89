"""Local development and the demo: debug on, mail to the console."""

from .base import *  # noqa: F403
from .env import env

DEBUG = True
# A fixed key is fine for a laptop demo; production.py requires one from the environment.
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
POS_DEMO = True

# The embedded SQLite database and uploads live here (git-ignored).
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
