"""Shared fixtures. The test database gets the classifier and the demo region once; on
PostgreSQL a transactional test's teardown puts those rows back by SQL (tests/snapshot.py)
instead of emptying the database, so every test starts from the demo data."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.utils import translation

from cms.kernel.plugins import reset_plugin_manager
from cms.models import Region


def load_demo_data() -> Region:
    from cms.regionconfig.loader import load_region_folder

    config = settings.POS_CONFIG_DIR
    return load_region_folder(config / "demo", config / "classifier.json").region


def pytest_configure(config):
    # In CI a missing PostgreSQL must fail the run, never quietly fall back to SQLite.
    if os.environ.get("CI") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("CI runs the tests on PostgreSQL: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    """Each test starts with nothing remembered per process (the region's reference data,
    the submission pages' routes, the admin shell's role data): a test that writes with
    QuerySet.update() bumps no version, and the memory would outlive its rolled-back
    transaction."""
    from django.core.cache import cache

    from cms.portal import page_routing
    from cms.staff_admin import shell
    from cms.submission import region_cache

    region_cache.clear()
    page_routing.clear()
    # The admin shell's version row is rolled back (or flushed) with each test, so the
    # same version number would come back with other data behind it.
    shell.forget_everything()
    # Wagtail keeps the sites' root paths in the cache, which a flush leaves behind.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to an /en/ page leaves
    English active in the thread, which would change the next test's URLs and texts."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tests import snapshot

    with django_db_blocker.unblock():
        load_demo_data()
        snapshot.take()
    with snapshot.restored_after_transactional_tests():
        yield


@pytest.fixture
def demo(db) -> Region:
    """The demo region (loaded again if the database was emptied without being put back:
    not on PostgreSQL, or a test's own flush)."""
    region = Region.objects.filter(code="demo").first()
    return region or load_demo_data()


@pytest.fixture
def core_only(settings):
    """The kernel with no plugin registered, as the core's own run has it: for what the
    core guarantees whatever is installed (a query count, a fallback's answer)."""
    settings.POS_PLUGINS = []
    settings.POS_LOAD_ENTRY_POINTS = False
    reset_plugin_manager()
    from cms.kernel.plugins import get_plugin_manager

    yield get_plugin_manager()
    # The next caller builds the manager again from the restored settings.
    reset_plugin_manager()


@pytest.fixture
def plugin_manager():
    """A fresh kernel for tests that install or remove plugins; restored afterwards."""
    reset_plugin_manager()
    from cms.kernel.plugins import get_plugin_manager

    yield get_plugin_manager()
    reset_plugin_manager()
