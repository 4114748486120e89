"""Test data in one place: small builders over the demo region the suite loads once."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import Appeal, Organisation, Region, Subcategory, Territory

_numbers = itertools.count(1)


def demo_region() -> Region:
    return Region.objects.get(code="demo")


def territory(code: str, region: Region | None = None) -> Territory:
    return Territory.objects.get(region=region or demo_region(), code=code)


def organisation(code: str, region: Region | None = None) -> Organisation:
    return Organisation.objects.get(region=region or demo_region(), code=code)


def subcategory(code: str) -> Subcategory:
    return Subcategory.objects.select_related("category").get(code=code)


def user(username: str | None = None, **fields):
    User = get_user_model()
    username = username or f"user{next(_numbers)}"
    return User.objects.create_user(username=username, password="pw", **fields)


def appeal(
    region: Region | None = None,
    subcategory_code: str = "01.01",
    territory_code: str = "gorsk",
    organisation_code: str = "cur",
    save: bool = True,
    **fields,
) -> Appeal:
    region = region or demo_region()
    sub = subcategory(subcategory_code)
    instance = Appeal(
        number=f"T-{next(_numbers):06d}",
        region=region,
        category=sub.category,
        subcategory=sub,
        territory=territory(territory_code, region),
        organisation=organisation(organisation_code, region),
        text="Яма на дороге",
        deadline=timezone.now() + timezone.timedelta(days=30),
        **fields,
    )
    if save:
        instance.save()
    return instance
