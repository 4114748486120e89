"""Where an API request is: the spec's `lat`/`long` and `address_string`, kept exactly as
sent, and mapped to one of the region's territories when that can be done.

Territories carry names but no geometry. Coordinates are placed by the region's territory
points (`TerritoryPoint`, from its `open311.json`): the smallest circle that holds them.
Failing that, an address is placed by the names it mentions ("г. Горск, Ленинский район"
names the Leninsky district of Gorsk): the most specific territory whose distinctive words
all appear in it, word stems compared so that Russian case endings do not matter. Nothing
found is not an error: the message goes to the region as a whole, as the caller decides.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cms.models import Territory

from .errors import ApiError
from .models import TerritoryPoint

ADDRESS_MAX_LENGTH = 500  # Appeal.address
EARTH_RADIUS_KM = 6371.0
# Words that say what kind of territory it is, not which one.
GENERIC_WORDS = frozenset({
    "город", "г", "городской", "городское", "округ", "район", "р", "н", "муниципальный",
    "муниципального", "сельское", "поселение", "поселок", "пос", "п", "село", "с",
    "деревня", "д", "область", "обл", "край", "республика", "улица", "ул", "дом",
})
WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("ё", "е"))


def _stem(word: str) -> str:
    """Enough of a word to survive declension: "ленинский" -> "ленинск"."""
    return word[:max(4, len(word) - 2)]


def _coordinate(value, name: str, limit: int) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise ApiError.of(400, _("%(name)s must be a number from -%(limit)s to %(limit)s.")
                          % {"name": name, "limit": limit})
    return number.quantize(Decimal("0.000001"))


def _distance_km(lat1, long1, lat2, long2) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(long2 - long1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def territory_at(region, latitude: Decimal, longitude: Decimal) -> Territory | None:
    """The territory of the smallest point circle holding the coordinates."""
    inside = [
        point for point in TerritoryPoint.objects.filter(territory__region=region)
        .select_related("territory")
        if _distance_km(float(latitude), float(longitude), float(point.latitude),
                        float(point.longitude)) <= float(point.radius_km)
    ]
    if not inside:
        return None
    return min(inside, key=lambda point: (point.radius_km, -point.territory.depth)).territory


def territory_named_in(region, address: str) -> Territory | None:
    """The most specific territory whose distinctive name words the address contains.

    Among equally deep ones, the one with more named ancestors wins ("Ленинский район" of
    Gorsk when the address also says Gorsk); a tie beyond that names none."""
    address_words = _words(address)
    if not address_words:
        return None

    def named(territory) -> bool:
        distinctive = [word for word in _words(territory.name) if word not in GENERIC_WORDS]
        return bool(distinctive) and all(
            any(candidate.startswith(_stem(word)) for candidate in address_words)
            for word in distinctive
        )

    matches = [territory for territory in Territory.objects.filter(region=region)
               if named(territory)]
    if not matches:
        return None
    matched_paths = {territory.path for territory in matches}

    def score(territory):
        ancestors = sum(1 for path in territory.ancestor_paths()[:-1] if path in matched_paths)
        return territory.depth, ancestors

    matches.sort(key=score, reverse=True)
    if len(matches) > 1 and score(matches[0]) == score(matches[1]):
        return None
    return matches[0]


def locate(region, lat, long, address_string) -> tuple[Territory | None, dict]:
    """(the territory or None, the location as given: `lat`, `long`, `address_string`).

    Coordinates come as a pair; a malformed one is refused (400). The given values are
    returned ready for a JSON field and for Appeal's fields: coordinates as decimal strings
    to six places (as Appeal keeps them), or None."""
    latitude = _coordinate(lat, "lat", 90)
    longitude = _coordinate(long, "long", 180)
    if (latitude is None) != (longitude is None):
        raise ApiError.of(400, _("lat and long must be given together."))
    address = address_string.strip() if isinstance(address_string, str) else ""
    if len(address) > ADDRESS_MAX_LENGTH:
        raise ApiError.of(400, _("address_string is longer than %(limit)s characters.")
                          % {"limit": ADDRESS_MAX_LENGTH})
    given = {"lat": None if latitude is None else str(latitude),
             "long": None if longitude is None else str(longitude),
             "address_string": address}
    territory = None
    if latitude is not None:
        territory = territory_at(region, latitude, longitude)
    if territory is None and address:
        territory = territory_named_in(region, address)
    return territory, given
