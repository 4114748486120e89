"""The submit path with routing and fast tracks on: what they add to the core's path is
a constant too (the core's own count is in tests/portal/test_submission.py)."""

from __future__ import annotations

import pytest

from cms.kernel.plugins import reset_plugin_manager
from tests.portal.conftest import (  # noqa: F401 (fixtures)
    _fresh_rate_limits,
    attachments_dir,
    citizen,
    citizen_client,
    general,
    portal,
    submit_path_query_counts,
)
from tests.portal.test_submission import CORE_SUBMIT_QUERIES


@pytest.fixture
def routing_and_fasttrack(settings):
    settings.POS_PLUGINS = ["routing", "fasttrack"]
    settings.POS_LOAD_ENTRY_POINTS = False
    reset_plugin_manager()
    yield
    reset_plugin_manager()


def test_the_submit_path_with_fast_tracks_takes_a_fixed_number_of_queries(
    general, citizen_client, attachments_dir, routing_and_fasttrack
):
    counts = submit_path_query_counts(citizen_client, general.url)
    assert counts == [CORE_SUBMIT_QUERIES + ROUTING_AND_FASTTRACK_QUERIES] * 2


# Over the core's path: none. The fast-track settings, calendar and tracks are read once
# per process and region version; the stage clock started in the registration's
# transaction is reused, not read back; routing picks its rule from the cached rules.
ROUTING_AND_FASTTRACK_QUERIES = 0
