"""Fixtures of the integrations' tests (test_keys_*.py, test_identity.py, test_location.py,
test_media.py): integrations of the demo region with their plain keys, another region
with its editor, and an empty cache around each test. The API's own fixtures are in
api_support.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cms.models import Organisation, Region, Role, Territory
from cms.permissions.grants import grant_role
from plugins.open311.models import Integration
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city_app(demo) -> tuple[Integration, str]:
    """A city app's integration in the demo region (does not vouch for ЕСИА), its key."""
    integration = Integration.objects.create(region=demo, name="Городское приложение",
                                             channel_label="API: городское приложение",
                                             rate_per_minute=5)
    return integration, integration.issue_key()


@pytest.fixture
def epgu_keys(demo) -> tuple[Integration, str]:
    integration = Integration.objects.create(region=demo, name="ЕПГУ (ключи)",
                                             channel_label="ЕПГУ", vouches_for_esia=True,
                                             rate_per_minute=100)
    return integration, integration.issue_key()


@pytest.fixture
def north(demo) -> Region:
    region = Region.objects.create(code="north311", name="Северная область")
    root = Territory.add_root(region=region, code="north311", name="Северная область",
                              kind="region")
    organisation = Organisation.objects.create(region=region, code="north311-gov",
                                               name="Правительство", kind="roiv")
    organisation.territories.add(root)
    return region


@pytest.fixture
def north_editor(north):
    user = factories.user("north311.editor")
    grant_role(user, north.organisations.get(), Role.EDITOR)
    return user


@pytest.fixture
def demo_editor(demo):
    from cms.models import StaffMembership

    return StaffMembership.objects.filter(role=Role.EDITOR,
                                          organisation__region=demo).first().user
