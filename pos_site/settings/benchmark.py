"""The demo settings plus the benchmark app (`manage.py pos_benchmark`).

Use it only against a demo or benchmark database:
`DJANGO_SETTINGS_MODULE=pos_site.settings.benchmark`.
"""

from .dev import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmark"]  # noqa: F405
