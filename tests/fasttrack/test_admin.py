"""Region editors configure fast tracks, calendar amendments and settings in the admin,
for their own region only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.models import Region, Subcategory
from plugins.fasttrack.models import CalendarAmendment, FastTrack

INDEX = "fasttrack_fasttrack_modeladmin_index"
CREATE = "fasttrack_fasttrack_modeladmin_create"
EDIT = "fasttrack_fasttrack_modeladmin_edit"


@pytest.fixture
def login(client):
    def as_user(username):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def other_region(region):
    return Region.objects.create(code="other", name="Другая область")


def test_the_regions_editor_lists_its_fast_tracks(region, login):
    response = login("editor").get(reverse(INDEX))
    assert response.status_code == 200
    assert "06.05" in response.content.decode()


def test_staff_without_the_editor_role_cannot_open_it(region, login):
    response = login("executor").get(reverse(INDEX))
    assert response.status_code in (302, 403)
    assert "06.05" not in response.content.decode()


def test_an_editor_adds_a_fast_track_for_its_region_only(region, other_region, login):
    client = login("editor")
    form = client.get(reverse(CREATE)).context["form"]
    assert list(form.fields["region"].queryset) == [region]
    subcategory = Subcategory.objects.get(code="24.01")
    data = {"region": region.pk, "subcategory": subcategory.pk, "term": 16, "unit": "hours",
            "is_active": "on", "note": ""}
    assert client.post(reverse(CREATE), data).status_code == 302
    assert FastTrack.objects.get(region=region, subcategory=subcategory).term == 16
    data["region"] = other_region.pk
    assert client.post(reverse(CREATE), data).status_code == 200  # the form's error
    assert not FastTrack.objects.filter(region=other_region).exists()


def test_a_fast_track_needs_a_category_or_a_subcategory(region, login):
    client = login("editor")
    response = client.post(reverse(CREATE), {"region": region.pk, "term": 2, "unit": "days"})
    assert response.status_code == 200
    assert FastTrack.objects.filter(region=region).count() == 3


def test_an_editor_cannot_edit_another_regions_rows(region, other_region, login):
    track = FastTrack.objects.create(region=other_region, term=2, unit="days",
                                     subcategory=Subcategory.objects.get(code="03.02"))
    response = login("editor").get(reverse(EDIT, args=[track.pk]))
    assert response.status_code in (302, 403)


def test_an_editor_declares_a_regional_day_off(region, login):
    client = login("editor")
    response = client.post(reverse("fasttrack_calendaramendment_modeladmin_create"),
                           {"region": region.pk, "date": "2026-09-14", "note": "День города"})
    assert response.status_code == 302
    assert not CalendarAmendment.objects.get(region=region, date="2026-09-14").is_working_day
