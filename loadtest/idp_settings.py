"""Settings of the identity provider process of the load run: the development stand-in
for ЕСИА (cms.accounts.devprovider) served on its own port, with its own database.

The stack runs production settings, which never mount /dev-idp/; the run's citizens log
in to the stack through this process exactly as they would through ЕСИА (authorisation
code with PKCE, token exchange over the back channel, userinfo).
"""

from pos_site.settings.dev import *  # noqa: F403

DEBUG = False
# Hundreds of citizens sign in during the first minute. The stand-in's password hashing
# is not what the run measures (ЕСИА is not on this machine), so the cheapest hasher keeps
# the provider from taking the cores the stack is measured on.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The stand-in's own pages are not measured: no access line per request.
LOGGING["loggers"]["pos.request"]["level"] = "WARNING"  # noqa: F405
# Cookies do not tell ports apart: the provider on 127.0.0.1:<its port> would overwrite
# the stack's session and CSRF cookies on 127.0.0.1 (in a browser too), and the stack's
# callback would no longer find the login it started.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
