"""The region's code is fixed once created; its time zone is one of the Russian ones."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from cms.models import Region
from cms.models.regions import RUSSIAN_TIME_ZONES, time_zone_choices


def edit_url(region) -> str:
    return f"/admin/cms/region/edit/{region.pk}/"


def form_data(region, **changes) -> dict:
    data = {
        "name": region.name,
        "name_en": region.name_en,
        "code": region.code,
        "time_zone": region.time_zone,
        "site": region.site_id or "",
        "default_moderating_organisation": region.default_moderating_organisation_id or "",
        "disabled_plugins": region.disabled_plugins,
        "hidden_categories": list(region.hidden_categories.values_list("pk", flat=True)),
    }
    return {**data, **changes}


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    return client


def test_the_code_is_shown_read_only_and_a_changed_code_is_ignored(superuser_client, demo):
    page = superuser_client.get(edit_url(demo)).content.decode()
    code_input = re.search(r'<input[^>]*name="code"[^>]*>', page).group(0)
    assert " disabled" in code_input
    response = superuser_client.post(
        edit_url(demo), form_data(demo, code="renamed", time_zone="Asia/Yekaterinburg"))
    assert response.status_code == 302, response.content.decode()[:2000]
    demo.refresh_from_db()
    assert demo.code == "demo"
    assert demo.time_zone == "Asia/Yekaterinburg"
    assert not Region.objects.filter(code="renamed").exists()


def test_the_time_zone_is_chosen_from_the_russian_ones(superuser_client, demo):
    zones = [zone for zone, _label in time_zone_choices()]
    assert zones[0] == "Europe/Kaliningrad" and zones[-1] == "Asia/Anadyr"
    assert {"Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Kamchatka",
            "Asia/Vladivostok"} <= set(zones)
    assert len(zones) == len(RUSSIAN_TIME_ZONES) == 27
    with translation.override("en"):
        labels = dict(time_zone_choices())
    assert labels["Europe/Samara"] == "Samara (UTC+4)"
    assert labels["Europe/Kaliningrad"] == "Kaliningrad (UTC+2)"
    assert labels["Asia/Kamchatka"] == "Kamchatka (UTC+12)"
    page = superuser_client.get(edit_url(demo)).content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="Europe/Samara" selected>' in page
    response = superuser_client.post(edit_url(demo), form_data(demo, time_zone="Europe/Berlin"))
    assert response.status_code == 200
    demo.refresh_from_db()
    assert demo.time_zone == "Europe/Samara"


def test_an_older_zone_outside_the_list_stays_valid_for_its_region(superuser_client, demo):
    # Rows saved before the list: the zone is kept (offered, marked) so that saving the
    # region for another reason does not change its clock.
    demo.time_zone = "Europe/Minsk"
    demo.save()
    page = superuser_client.get(edit_url(demo)).content.decode()
    assert '<option value="Europe/Minsk" selected>' in page
    response = superuser_client.post(edit_url(demo), form_data(demo, name="Область"))
    assert response.status_code == 302
    demo.refresh_from_db()
    assert (demo.name, demo.time_zone) == ("Область", "Europe/Minsk")
    assert "Europe/Minsk" not in [zone for zone, _label in time_zone_choices()]
    with translation.override("en"):
        label = dict(time_zone_choices("Europe/Minsk"))["Europe/Minsk"]
    assert label == "Europe/Minsk (not a Russian time zone) (UTC+3)"
    # ...and the readiness list warns about it, without blocking.
    from cms.regionconfig.readiness import region_readiness

    items = [item for item in region_readiness(demo).items if item.check == "time-zone"]
    assert len(items) == 1 and not items[0].blocking
