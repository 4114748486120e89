"""Finding 5 of issue 11 in Russian, not only "not English-shaped": the widget's button
and frame title read the catalogue's Russian on a Russian host page (English only when
the host asks), and the frame's heading is the catalogue's grammatical phrase.

tests/display/test_widget.py and tests/browser/test_widget.py compare with gettext() of
the English msgid, which also passes when the catalogue has no entry at all: the button
then says "Report a problem" on a Russian page, which is the finding itself."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories


def texts(script: str, language: str) -> dict[str, str]:
    """The TEXTS.<language> object of the widget's script, as a dict."""
    block = re.search(rf"\b{language}: \{{(.*?)\}}", script, re.S)[1]
    return dict(re.findall(r'(\w+): "([^"]*)"', block))


def test_the_button_and_the_frame_title_are_russian_by_default(client, db):
    script = client.get(reverse("portal:widget_script")).content.decode()
    assert texts(script, "ru") == {"button": "Сообщить о проблеме", "close": "Закрыть",
                                   "title": "Форма сообщения"}
    assert texts(script, "en") == {"button": "Report a problem", "close": "Close",
                                   "title": "Message form"}


@pytest.fixture
def general(demo, client):
    create_demo_pages(demo)
    client.force_login(factories.user(first_name="Анна", last_name="Иванова",
                                      email="anna@example.org"))
    return SubmissionPage.objects.get(slug="general")


def heading(response) -> str:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup.h1.get_text(" ", strip=True)


def test_the_frame_heading_is_the_catalogue_s_russian_phrase(client, general):
    organisation = factories.organisation("adm-gorsk")
    url = f"{general.url}widget/{organisation.pk}/"
    name = str(organisation)
    assert heading(client.get(url)) == f"Сообщение в организацию: {name}"
    english = heading(client.get(url + "?lang=en"))
    assert english == f"Message to the organisation: {name}"
