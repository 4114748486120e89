"""The development stand-in for ЕСИА: an OpenID Connect provider inside the demo.

Built on django-oauth-toolkit and mounted at /dev-idp/ only when the setting
`POS_DEV_IDP` is on (dev and test settings; never in production). Its people are the
project's own user accounts, but signing in here is kept apart from being logged in
to the site: the site logs a citizen in only after the standard OpenID Connect
exchange, exactly as it would with ЕСИА.

- `conf` builds the settings (the settings modules import it: no models there);
- `views` and `urls` serve the provider's sign-in page and its endpoints;
- `validator` says which claims the provider puts in its tokens;
- `demo.ensure_demo_client()` registers the demo's client (called by `seed_demo`).
"""
