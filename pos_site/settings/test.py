"""The test suite: PostgreSQL from DATABASE_URL in CI, fast hashing, mail kept in memory."""

import sys

from cms.accounts.devprovider.conf import generate_rsa_key_pem, oauth2_provider_settings

from .base import *  # noqa: F403
from .env import env

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker process started by a mail test sends to the test's SMTP server on loopback
# (EMAIL_HOST/EMAIL_PORT in its environment).
if env("POS_TEST_SMTP") == "1":
    EMAIL_BACKEND = "cms.notifications.smtp.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test database need not survive a crash: a commit does not wait for the disk (about
# 5 ms a commit here, and transactional tests commit often).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c synchronous_commit=off")
# Unit tests run tasks inline; the worker integration tests switch `sync` off.
Q_CLUSTER = {**Q_CLUSTER, "sync": True, "orm": "default"}  # noqa: F405
Q_CLUSTER.pop("redis", None)
# A real `qcluster` started by a worker integration test runs with POS_Q_SYNC=0.
if env("POS_Q_SYNC") == "0":
    Q_CLUSTER["sync"] = False
POS_DEMO = env("POS_DEMO", "") == "1"
# The development stand-in for ЕСИА, served by the live server to drive the login flow;
# tests point POS_OIDC_ISSUER at it. A fresh signing key per run.
POS_DEV_IDP = True
# The benchmark app is tested here; only the benchmark settings install it otherwise.
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider", "benchmark"]  # noqa: F405

# The test-only plugin (tests/example_plugin) is installed as a third-party plugin is: its
# distribution's entry point on sys.path, its app in INSTALLED_APPS. The core's own run
# (POS_PLUGINS=none, POS_LOAD_ENTRY_POINTS=0) keeps its tables but registers no hook of it.
sys.path.append(str(BASE_DIR / "tests" / "example_plugin_dist"))  # noqa: F405
INSTALLED_APPS.append("tests.example_plugin")
OAUTH2_PROVIDER = {
    **oauth2_provider_settings(generate_rsa_key_pem()),
    # Tests swap the provider's validator; its views would otherwise keep the first one.
    "ALWAYS_RELOAD_OAUTHLIB_CORE": True,
}
