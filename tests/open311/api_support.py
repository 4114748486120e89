"""Fixtures and helpers of the API's tests (test_api_*.py, test_schema.py import them).

The demo region with its two submission pages (the general page asks one extra question,
a radio; the roads page offers category 01 only), an integration vouching for ЕСИА with
its key, and a `post` that files a message as that integration would.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse

from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from plugins.open311.models import Integration

ISSUER = "https://esia.example.test"
SERVICE = "02.01"  # offered by the general page (with its question); no photo required
PHOTO_SERVICE = "01.01"  # roads: a photo is required


@pytest.fixture(autouse=True)
def fresh_rates_and_issuer(settings):
    cache.clear()
    settings.POS_OIDC_ISSUER = ISSUER
    yield
    cache.clear()


@pytest.fixture
def portal(demo):
    return create_demo_pages(demo)


@pytest.fixture
def general(portal) -> SubmissionPage:
    return SubmissionPage.objects.get(slug="general")


@pytest.fixture
def epgu(demo, portal) -> tuple[Integration, str]:
    """The ЕПГУ integration of the demo region and its plain key."""
    integration = Integration.objects.create(region=demo, name="ЕПГУ (тест)",
                                             channel_label="ЕПГУ", vouches_for_esia=True,
                                             rate_per_minute=1000)
    return integration, integration.issue_key()


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def filing_data(key: str, **fields) -> dict:
    data = {
        "jurisdiction_id": "demo",
        "api_key": key,
        "service_code": SERVICE,
        "description": "Яма на дороге у дома 5, глубина около 20 см.",
        "address_string": "ул. Ленина, 5",
        "lat": "55.751244",
        "long": "37.618423",
        "account_id": "esia-oid-1000001",
        "first_name": "Анна",
        "last_name": "Иванова",
        "email": "anna@example.org",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def post(client, key: str, fmt: str = "json", headers=None, **fields):
    return client.post(url("requests", fmt), filing_data(key, **fields),
                       headers=headers or {})


def body(response):
    """The parsed body: JSON as is, XML as an ElementTree root."""
    if response["Content-Type"].startswith("text/xml"):
        assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        return ElementTree.fromstring(response.content)
    return json.loads(response.content)


def xml_errors(root) -> list[tuple[str, str]]:
    assert root.tag == "errors"
    return [(error.findtext("code"), error.findtext("description"))
            for error in root.findall("error")]
