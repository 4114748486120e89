"""The demo's ЕПГУ channel: the demo region's files give it an integration named "ЕПГУ"
vouching for ЕСИА, and `open311_demo_request` files a message through the API as that
integration would, for the demo citizen, in process and over HTTP to a running site."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.accounts.models import CitizenProfile
from cms.models import Channel
from cms.portal.demo import create_demo_pages
from plugins.open311.management.commands.open311_demo_request import DEMO_ADDRESS
from plugins.open311.models import FiledRequest, Integration

ISSUER = "http://127.0.0.1:8000/dev-idp"


@pytest.fixture
def demo_citizen(demo, settings):
    settings.POS_OIDC_ISSUER = ISSUER
    create_demo_pages(demo)
    citizen, _ = get_user_model().objects.get_or_create(
        username="citizen", defaults={"first_name": "Иван", "last_name": "Петров",
                                      "email": "citizen@demo-oblast.example"})
    CitizenProfile.objects.update_or_create(user=citizen, defaults={
        "provider_issuer": ISSUER, "provider_subject": str(citizen.pk),
        "notification_email": citizen.email})
    return citizen


def epgu_of(region) -> Integration:
    return Integration.objects.get(region=region, name="ЕПГУ")


def test_the_demo_region_has_the_epgu_integration(demo):
    epgu = epgu_of(demo)
    assert epgu.channel_label == "ЕПГУ" and epgu.vouches_for_esia and not epgu.is_revoked
    assert not epgu.services.exists()  # every service the region offers


def assert_filed_for(citizen, region, output: str):
    filing = FiledRequest.objects.select_related("appeal__territory").get(
        integration=epgu_of(region))
    appeal = filing.appeal
    assert appeal.channel == Channel.API and appeal.citizen == citizen
    assert appeal.region == region and appeal.organisation_id is not None
    assert appeal.address == DEMO_ADDRESS
    assert appeal.territory.code == "gorsk-leninsky"
    assert f"Message {appeal.number}: channel “ЕПГУ”" in output
    assert "status=open" in output


def test_the_command_files_a_message_in_process(demo, demo_citizen):
    out = StringIO()
    call_command("open311_demo_request", "--in-process", stdout=out)
    assert_filed_for(demo_citizen, demo, out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_the_command_files_a_message_over_http(live_server, demo, demo_citizen):
    out = StringIO()
    call_command("open311_demo_request", "--url", live_server.url, stdout=out)
    assert_filed_for(demo_citizen, demo, out.getvalue())
    # The integration kept no plain key: the one the command used was issued and hashed.
    assert epgu_of(demo).key_prefix in out.getvalue()
