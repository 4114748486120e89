"""Location: coordinates and addresses are kept as sent and placed in the region's
territory when the territory points or the names allow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.models import Territory
from plugins.open311.errors import ApiError
from plugins.open311.location import locate
from plugins.open311.models import TerritoryPoint
from plugins.open311.regionconfig import Open311File


@pytest.fixture
def points(demo):
    """The demo region's territory points, as its open311.json gives them."""
    from django.conf import settings

    from cms.regionconfig.files import ChangeReport
    from cms.regionconfig.loader import read_json

    data = read_json(settings.POS_CONFIG_DIR / "demo" / "open311.json", [])
    Open311File().load(demo, data, ChangeReport())
    return TerritoryPoint.objects.filter(territory__region=demo)


def code_of(territory) -> str | None:
    return territory.code if territory is not None else None


def test_coordinates_land_in_the_smallest_circle_holding_them(demo, points):
    territory, given = locate(demo, "54.2101", "37.5802", "")
    assert code_of(territory) == "gorsk-leninsky"
    assert given == {"lat": "54.210100", "long": "37.580200", "address_string": ""}
    # Inside the city but in no district's circle: the city.
    assert code_of(locate(demo, 54.28, 37.6, None)[0]) == "gorsk"


def test_coordinates_outside_every_circle_are_kept_without_a_territory(demo, points):
    territory, given = locate(demo, "10.5", "-20.25", None)
    assert territory is None
    assert given["lat"] == "10.500000" and given["long"] == "-20.250000"


@pytest.mark.parametrize("address, expected", [
    ("г. Горск, Ленинский район, ул. Мира, 5", "gorsk-leninsky"),
    ("Горск, в Заводском районе у проходной", "gorsk-zavodskoy"),
    ("город Горск, площадь Победы", "gorsk"),
    ("Старомлынск, ул. Садовая", "staromlynsk"),
    ("ул. Неизвестная, 1", None),
])
def test_addresses_are_placed_by_the_names_they_mention(demo, address, expected):
    territory, given = locate(demo, None, None, f"  {address} ")
    assert code_of(territory) == expected
    assert given == {"lat": None, "long": None, "address_string": address}


def test_coordinates_win_over_the_address(demo, points):
    territory, _given = locate(demo, "54.18", "37.54", "г. Горск, Ленинский район")
    assert code_of(territory) == "gorsk-zarechny"


def test_an_address_helps_when_the_coordinates_are_in_no_circle(demo, points):
    territory, _given = locate(demo, "10", "10", "Горск, Октябрьский район")
    assert code_of(territory) == "gorsk-oktyabrsky"


@pytest.mark.parametrize("lat, long", [
    ("91", "37"), ("54", "181"), ("abc", "37"), ("54", None), (None, "37"), ("NaN", "1"),
    ("Infinity", "1"),
])
def test_malformed_coordinates_are_400(demo, lat, long):
    with pytest.raises(ApiError) as caught:
        locate(demo, lat, long, "")
    assert caught.value.status == 400


def test_an_overlong_address_is_400(demo):
    with pytest.raises(ApiError) as caught:
        locate(demo, None, None, "ул. " * 200)
    assert caught.value.status == 400


def test_the_demo_file_names_existing_territories(demo, points):
    assert points.count() == 7
    assert set(points.values_list("territory__code", flat=True)) <= set(
        Territory.objects.filter(region=demo).values_list("code", flat=True))
    leninsky = points.get(territory__code="gorsk-leninsky")
    assert leninsky.radius_km == Decimal("3.00")
