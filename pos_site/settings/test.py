"""The test suite: PostgreSQL from DATABASE_URL in CI, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .env import env

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests run tasks inline; the worker integration tests switch `sync` off.
Q_CLUSTER = {**Q_CLUSTER, "sync": True, "orm": "default"}  # noqa: F405
Q_CLUSTER.pop("redis", None)
# A real `qcluster` started by a worker integration test runs with POS_Q_SYNC=0.
if env("POS_Q_SYNC") == "0":
    Q_CLUSTER["sync"] = False
POS_DEMO = env("POS_DEMO", "") == "1"
