"""Region B is loaded once for this package, next to the demo region (as the suite's
`django_db_setup` loads the demo): every test here works across the two. It is removed
when the package is done, so the rest of the suite sees the demo region alone."""

import pytest

from tests import two_regions


@pytest.fixture(scope="package", autouse=True)
def _second_region_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        two_regions.second_region()
    yield
    with django_db_blocker.unblock():
        two_regions.remove_region()
