"""The OpenAPI description holds against the running app: schemathesis generates requests
from the description the app serves at /open311/v2/openapi.json, sends them to the live
server, and checks every response (no 500s; status, content type, headers and body as
described; 405 with Allow for other methods).

One test walks every operation, so the live server's database is set up once.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cms.models import Appeal, Channel, Region
from cms.portal.demo import create_demo_pages
from plugins.open311.models import Integration
from plugins.open311.openapi import document
from tests.conftest import load_demo_data

SCHEMA_PATH = "/open311/v2/openapi.json"
EXAMPLES_PER_OPERATION = 25
# The spec's rules across parameters (a search spans at most 90 days and ends after it
# starts; a page's questions) make some schema-valid requests a 400 by design: every other
# check runs.
EXCLUDED_CHECKS = [positive_data_acceptance]


@pytest.fixture
def api_key(transactional_db, settings):
    settings.POS_OIDC_ISSUER = "https://esia.example.test"
    region = Region.objects.filter(code="demo").first() or load_demo_data()
    create_demo_pages(region)
    integration = Integration.objects.create(region=region, name="ЕПГУ (схема)",
                                             channel_label="ЕПГУ", vouches_for_esia=True,
                                             rate_per_minute=10_000)
    return integration.issue_key()


def test_the_api_answers_as_its_description_says(live_server, api_key):
    served = requests.get(f"{live_server.url}{SCHEMA_PATH}", timeout=10)
    assert served.status_code == 200
    assert served.json() == document()
    # (schemathesis' fixture-based loader does not run under pytest 9: the served
    # document, equal to this one, is loaded as a dict.)
    schema = schemathesis.openapi.from_dict(served.json())
    base_url = f"{live_server.url}/open311/v2"
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # Half the posts carry the real key, region and service, so filing itself
            # (with whatever text and place were generated) is exercised.
            if (case.method == "POST" and isinstance(case.body, dict)
                    and len(str(case.body.get("description", ""))) % 2 == 0):
                case.body.update(api_key=api_key, jurisdiction_id="demo",
                                 service_code="02.01")
                case.body.setdefault("account_id", "esia-schema-1")
                case.body.setdefault("address_string", "ул. Ленина, 5")
            case.call_and_validate(base_url=base_url, excluded_checks=EXCLUDED_CHECKS)

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) == 7, tested
    assert Appeal.objects.filter(channel=Channel.API).exists()
