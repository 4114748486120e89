"""The widget speaks Russian, English when the host asks, and its heading is grammatical
whatever the organisation's name (issue 11, finding 5). The resizing is checked in the
browser (tests/browser/test_widget.py, not written yet)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories


@pytest.fixture
def general(demo, client):
    create_demo_pages(demo)
    client.force_login(factories.user(first_name="Анна", last_name="Иванова",
                                      email="anna@example.org"))
    return SubmissionPage.objects.get(slug="general")


def test_the_script_carries_both_languages_and_picks_by_the_host_page(client, demo):
    script = client.get(reverse("portal:widget_script")).content.decode()
    assert '"Report a problem"' in script  # English, for hosts that ask for it
    assert 'data-lang' in script and "documentElement.lang" in script
    assert "?lang=en" in script


def heading(response) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").h1.get_text(" ", strip=True)


def test_the_frame_heading_is_grammatical_and_english_on_request(client, general):
    organisation = factories.organisation("adm-gorsk")
    url = f"{general.url}widget/{organisation.pk}/"
    russian = heading(client.get(url))
    assert not russian.startswith("Сообщение для")
    # Russian once the catalogue has the new msgid ("russian" owns locale/).
    assert russian.startswith(("Message to the organisation:", "Сообщение в организацию:"))
    english = client.get(url + "?lang=en")
    assert heading(english).startswith("Message to the organisation:")
    assert "Send the message" in english.content.decode()


def test_the_frame_reports_its_own_height_and_the_confirmation(client, demo):
    from django.contrib.staticfiles import finders
    with open(finders.find("portal/portal.js"), encoding="utf-8") as source:
        script = source.read()
    # documentElement.scrollHeight never drops below the frame's height: it cannot shrink.
    assert "documentElement.scrollHeight" not in script
    assert "confirmation:" in script
