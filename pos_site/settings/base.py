"""Settings shared by every environment. See __init__.py for how the layers compose."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("POS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "cms",
    "cms.accounts",
    "cms.submission",
    "cms.portal",
    "cms.staff_admin",
    "cms.retention",
    "plugins.routing",
    "plugins.fasttrack",
    "plugins.rating",
    "plugins.reports",
    "plugins.open311",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Wagtail's search index needs it on PostgreSQL with newer Django; harmless on 5.2.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads an admin request's roles, grants and permissions in one query, before
    # Wagtail's access check asks for them one by one.
    "cms.staff_admin.shell.AdminShellMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets the audit trail record the client's address from any write path.
    "cms.audit.AuditAddressMiddleware",
    # Above XFrameOptionsMiddleware: it mirrors that header's decision in CSP.
    "cms.portal.security.FrameAncestorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses an oversized body before any view (or CSRF's check) reads it; below the
    # framing middleware so its page gets their headers too.
    "cms.submission.request_limits.RequestBodyLimitMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Database sessions, with the read each request makes compiled once per connection.
SESSION_ENGINE = "cms.operations.session_store"

ROOT_URLCONF = "pos_site.urls"
WSGI_APPLICATION = "pos_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pos_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# The embedded default is SQLite under var/; every real installation sets DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection that died with a database restart is replaced before the
        # request uses it, instead of answering that request with a 500.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # ModelBackend first: guardian's backend only answers object-level questions.
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Citizens: verified OpenID Connect claims (ЕСИА), never a password.
    "cms.accounts.backends.CitizenOIDCBackend",
]
# No guardian AnonymousUser row (it would show in Wagtail's user list).
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The server's zone; each region computes deadlines in its own Region.time_zone.
TIME_ZONE = "Europe/Moscow"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))

# Cache and the django-q2 broker: Redis when REDIS_URL is set, else local memory and the
# database broker (fine for one box; several web/worker machines need Redis).
# Nothing that must be counted across processes lives in the local-memory cache: without
# Redis the submission rate limits count in the database (cms.submission.ratelimit), so
# every gunicorn worker shares them. POS_RATE_LIMIT_STORE ("database" or "cache")
# overrides the choice.
REDIS_URL = env("REDIS_URL")
POS_RATE_LIMIT_STORE = env("POS_RATE_LIMIT_STORE", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, serving from the database while Redis restarts.
            "BACKEND": "cms.operations.cache.RedisCacheThatMayBeAway",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SQLite (the demo; any installation without DATABASE_URL) has one writer at a time. A
# writer waits up to `timeout` seconds for the lock instead of failing with "database is
# locked"; IMMEDIATE takes the lock when a transaction starts, so two transactions never
# deadlock upgrading a read to a write (SQLite fails those at once, whatever the timeout);
# WAL lets pages read while the worker writes.
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    })
    # The reports' covering indexes (INCLUDE columns) are for PostgreSQL's million rows;
    # SQLite keeps their key columns, which is all the demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

Q_CLUSTER = {
    "name": "pos",
    # On SQLite one worker: more only queue up on the database's single write lock.
    "workers": int(env("Q_WORKERS", "1" if SQLITE else "2")),
    # A task is stopped after `timeout` s and handed out again `retry` s after it was taken
    # (django-q2 requires retry > timeout). Tasks are at-least-once, so each is idempotent
    # and the outbox claims a notification before sending it (at most one e-mail).
    "timeout": 60,
    "retry": 120,
    "max_attempts": 5,
    "catch_up": False,
    "label": "Задачи",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

WAGTAIL_SITE_NAME = "ПОС"
# Nothing leaves the machine (citizens' personal data are processed here): no update
# check against Wagtail's site, no "what's new" banner, no avatars from gravatar (Wagtail
# shows its own default avatar, or the one a user uploads).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The staff login form labels its password field in the catalogue.
WAGTAILADMIN_USER_LOGIN_FORM = "cms.staff_admin.login_form.StaffLoginForm"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Django's SMTP backend, telling the outbox when a letter is handed over.
EMAIL_BACKEND = env("EMAIL_BACKEND", "cms.notifications.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@pos.invalid")
# Seconds for each SMTP call: a hung server must fail the send well inside the task's
# Q_CLUSTER timeout, so the outbox records the failure instead of the worker being killed.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))

LOGIN_URL = "wagtailadmin_login"
# "Забыли пароль?" reaches staff accounts that have no password yet (invited ones); the
# invitation's and the reset's one-time links last PASSWORD_RESET_TIMEOUT (3 days).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.accounts.staff_password.StaffPasswordResetForm"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Citizens log in through ЕСИА, or any OpenID Connect provider, as a standard client
# (authorisation code with state, nonce and PKCE S256; cms.accounts.oidc). Per installation:
# POS_OIDC_ISSUER            the provider's issuer, exactly as its ID tokens name it; the
#                            endpoints come from <issuer>/.well-known/openid-configuration
#                            unless all of authorization, token and JWKS are given below
# POS_OIDC_AUTHORIZATION_ENDPOINT, POS_OIDC_TOKEN_ENDPOINT, POS_OIDC_USERINFO_ENDPOINT,
# POS_OIDC_JWKS_URI          explicit endpoints, each overriding discovery (ЕСИА publishes
#                            none: e.g. https://esia.gosuslugi.ru/aas/oauth2/ac and /te)
# POS_OIDC_CLIENT_ID         this installation's client id at the provider (ЕСИА: mnemonic)
# POS_OIDC_CLIENT_SECRET     its secret, for client_secret_basic / client_secret_post
# POS_OIDC_CLIENT_PRIVATE_KEY_FILE, POS_OIDC_CLIENT_KEY_ID
#                            a PEM private key (RSA or EC P-256) and its kid, for
#                            private_key_jwt
# POS_OIDC_TOKEN_AUTH_METHOD client_secret_basic (default), client_secret_post,
#                            private_key_jwt, or none (ЕСИА: none, with a signing plugin
#                            implementing the sign_oidc_request hook)
# POS_OIDC_SCOPES            space-separated; default "openid profile email phone"
#                            (ЕСИА: "openid fullname email mobile")
# POS_OIDC_ID_TOKEN_ALGORITHMS  comma-separated ID-token signature algorithms accepted;
#                            default RS256
# POS_OIDC_SUBJECT_CLAIM     the claim holding the provider's user id; default "sub"
# POS_OIDC_USE_USERINFO      also read the userinfo endpoint when there is one; default on
# POS_OIDC_REDIRECT_URI      the callback URL registered at the provider; default
#                            <this site>/accounts/callback/ from the request
# POS_OIDC_CA_BUNDLE         a CA bundle to trust for the provider (ЕСИА's Russian CA)
# POS_OIDC_TIMEOUT           seconds for each back-channel call; default 10
# POS_OIDC_METADATA_TTL      seconds the discovery document and keys are cached; default 3600
POS_OIDC_ISSUER = env("POS_OIDC_ISSUER", "")
POS_OIDC_AUTHORIZATION_ENDPOINT = env("POS_OIDC_AUTHORIZATION_ENDPOINT", "")
POS_OIDC_TOKEN_ENDPOINT = env("POS_OIDC_TOKEN_ENDPOINT", "")
POS_OIDC_USERINFO_ENDPOINT = env("POS_OIDC_USERINFO_ENDPOINT", "")
POS_OIDC_JWKS_URI = env("POS_OIDC_JWKS_URI", "")
POS_OIDC_CLIENT_ID = env("POS_OIDC_CLIENT_ID", "")
POS_OIDC_CLIENT_SECRET = env("POS_OIDC_CLIENT_SECRET", "")
POS_OIDC_CLIENT_PRIVATE_KEY_FILE = env("POS_OIDC_CLIENT_PRIVATE_KEY_FILE", "")
POS_OIDC_CLIENT_KEY_ID = env("POS_OIDC_CLIENT_KEY_ID", "")
POS_OIDC_TOKEN_AUTH_METHOD = env("POS_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
POS_OIDC_SCOPES = env("POS_OIDC_SCOPES", "openid profile email phone")
POS_OIDC_ID_TOKEN_ALGORITHMS = env_list("POS_OIDC_ID_TOKEN_ALGORITHMS", "RS256")
POS_OIDC_SUBJECT_CLAIM = env("POS_OIDC_SUBJECT_CLAIM", "sub")
POS_OIDC_USE_USERINFO = env_bool("POS_OIDC_USE_USERINFO", True)
POS_OIDC_REDIRECT_URI = env("POS_OIDC_REDIRECT_URI", "")
POS_OIDC_CA_BUNDLE = env("POS_OIDC_CA_BUNDLE", "")
POS_OIDC_TIMEOUT = float(env("POS_OIDC_TIMEOUT", "10"))
POS_OIDC_METADATA_TTL = int(env("POS_OIDC_METADATA_TTL", "3600"))
# The development stand-in for ЕСИА at /dev-idp/ (cms.accounts.devprovider). Only dev.py
# and test.py turn it on; no environment variable can.
POS_DEV_IDP = False

# Where `load_region` and `seed_demo` find the shipped configuration.
POS_CONFIG_DIR = Path(env("POS_CONFIG_DIR", str(BASE_DIR / "config" / "regions")))

# Demo-only behaviour (seed_demo accounts with a known password). Only dev.py turns it on.
POS_DEMO = False

# All the files of one form together, in MB: submission pages may not allow more, and a
# larger request body is refused unread (cms.submission.request_limits). Answers: 10 files of 10 MB.
POS_MAX_FILES_TOTAL_MB = int(env("POS_MAX_FILES_TOTAL_MB", "100"))

# Citizens' files live outside the web root: only a view that checks permission serves them.
ATTACHMENTS_ROOT = Path(env("ATTACHMENTS_ROOT", str(VAR_DIR / "attachments")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ATTACHMENTS_ROOT), "base_url": None},
    },
}

# Plugins. POS_PLUGINS: the built-in plugins to register, comma-separated ("none" for
# none: the core alone, as one of CI's test runs has it); unset, all of them.
# POS_LOAD_ENTRY_POINTS=0 leaves installed third-party plugins out too.
_pos_plugins = env("POS_PLUGINS", "")
POS_PLUGINS = (None if not _pos_plugins
               else [] if _pos_plugins == "none"
               else [name.strip() for name in _pos_plugins.split(",") if name.strip()])
POS_LOAD_ENTRY_POINTS = env_bool("POS_LOAD_ENTRY_POINTS", True)

# Operations (issue 16): health, request ids and JSON logs, staff sessions, login
# throttling, the site-wide CSP. Last, as it extends the lists above.
from .operations import extend as _extend_with_operations  # noqa: E402

_extend_with_operations(globals())
