"""The WSGI application gunicorn serves (`pos_site.wsgi:application`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pos_site.settings.production")
application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, the plugins: about 190,000 objects) lives as
# long as the worker. Frozen, it is left out of the collector's full passes, which
# otherwise walk all of it every few hundred requests (measured on the submit path:
# 110-140 ms per pass, 16 ms frozen; docs/performance.md).
gc.freeze()
