"""Operations settings (issue 16): health, request ids and JSON logs, staff sessions,
login throttling, the site-wide content security policy.

Applied by base.py's last line, `extend(globals())`, so that every layer (dev, test,
production) runs the same middleware; production.py adds what needs HTTPS.
"""

from .env import env


def extend(settings: dict) -> None:
    settings["INSTALLED_APPS"] = [*settings["INSTALLED_APPS"], "axes", "cms.operations"]

    middleware = list(settings["MIDDLEWARE"])
    # First: the request id before anything logs; /health/ before host checks, HTTPS
    # redirects and sessions.
    middleware[0:0] = [
        "cms.operations.request_id.RequestIdMiddleware",
        "cms.operations.health.HealthCheckMiddleware",
    ]
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware.insert(auth + 1, "cms.operations.sessions.StaffSessionMiddleware")
    # Above FrameAncestorsMiddleware: it adds to the frame-ancestors directive set there.
    frames = middleware.index("cms.portal.security.FrameAncestorsMiddleware")
    middleware.insert(frames, "cms.operations.security.ContentSecurityPolicyMiddleware")
    # Last, as django-axes asks: it turns a lockout into its 429 page.
    middleware.append("axes.middleware.AxesMiddleware")
    # Calls the view itself (once more if its database connection died), so it comes
    # after every middleware whose process_view checks the request.
    middleware.append("cms.operations.lost_database.RetryAfterLostDatabaseMiddleware")
    settings["MIDDLEWARE"] = middleware

    # Axes first, as it requires: it refuses a locked-out login before any backend runs.
    settings["AUTHENTICATION_BACKENDS"] = [
        "cms.operations.login_throttling.PasswordLoginThrottleBackend",
        *settings["AUTHENTICATION_BACKENDS"],
    ]
    settings.update(
        AXES_FAILURE_LIMIT=int(env("POS_LOGIN_FAILURE_LIMIT", "5")),
        AXES_COOLOFF_TIME=float(env("POS_LOGIN_COOLOFF_HOURS", "0.25")),
        # Per account (a password guessed from many addresses) and per address (many
        # accounts tried from one). A lock ends with the cool-off, or by
        # `manage.py axes_reset_username` / `axes_reset_ip`.
        AXES_LOCKOUT_PARAMETERS=["username", "ip_address"],
        AXES_RESET_ON_SUCCESS=True,
        # No second log of every login and its address (citizens' included): the audit
        # trail is the one record of who did what (152-ФЗ keeps personal data minimal).
        AXES_DISABLE_ACCESS_LOG=True,
        AXES_WHITELIST_CALLABLE="cms.operations.login_throttling.is_not_a_password_login",
        AXES_LOCKOUT_CALLABLE="cms.operations.login_throttling.locked_out_page",
        AXES_VERBOSE=False,
        # Staff sessions end after this long without a request (cms.operations.sessions).
        POS_STAFF_SESSION_IDLE_SECONDS=int(env("POS_STAFF_SESSION_IDLE_SECONDS", str(30 * 60))),
    )

    settings["LOGGING"] = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "cms.operations.request_id.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "cms.operations.json_logging.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if env("POS_LOG_FORMAT", "json") == "json" else "plain",
            },
        },
        "root": {"handlers": ["console"], "level": env("POS_LOG_LEVEL", "INFO")},
        "loggers": {
            # Django's own request errors go to the root handler once, not twice.
            "django": {"level": env("POS_LOG_LEVEL", "INFO"), "propagate": True},
            # django-axes tells of every login at INFO; its lockouts are WARNINGs.
            "axes": {"level": "WARNING"},
            # The access lines: one per request; POS_ACCESS_LOG=0 leaves them to nginx.
            "pos.request": {"level": "INFO" if env("POS_ACCESS_LOG", "1") == "1" else "WARNING"},
        },
    }
