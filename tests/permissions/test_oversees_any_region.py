"""`oversees_any_region`, the readiness menu item's question on every admin page, gives
`overseen_regions`' answer without a query once the request knows the roles."""

from __future__ import annotations

import pytest

from cms.permissions.policy import overseen_regions, oversees_any_region
from tests import factories
from tests.workflow.builders import citizen, demo_staff, fresh


@pytest.mark.django_db
def test_it_agrees_with_overseen_regions_for_every_kind_of_user(demo):
    root = factories.user("root", is_staff=True, is_superuser=True)
    people = [*demo_staff().values(), citizen(), root]
    answers = {user.username: oversees_any_region(fresh(user)) for user in people}
    assert answers == {user.username: overseen_regions(fresh(user)).exists()
                       for user in people}
    # Both answers occur: editors, curators and superusers oversee; the others do not.
    assert answers["curator"] and answers["editor"] and answers["root"]
    assert not answers["moderator"] and not answers["citizen-1"]
