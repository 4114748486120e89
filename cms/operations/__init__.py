"""Running the platform in production: health endpoint, request ids and JSON logs,
staff session limits, the site-wide content security policy, login throttling rules.

Everything here is middleware or a callable that pos_site/settings/operations.py wires in;
no models, no URLs (the health endpoint answers before URL resolution, see health.py).
"""
