"""Region B is loaded once per test database, next to the demo region (as the suite's
`django_db_setup` loads the demo): every test here works across the two."""

import pytest

from tests import two_regions


@pytest.fixture(scope="session", autouse=True)
def _second_region_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        two_regions.second_region()
