"""Regions for the national view's tests: the demo region and small extra ones (one
territory, one organisation), each with messages whose figures are known."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import Answer, Organisation, Region, Role, Status, Territory
from cms.models.staff import NationalViewSettings
from cms.permissions.national import make_national_operator
from tests import factories
from tests.workflow.builders import fresh, message, staff_member

ZONES = ("Asia/Yekaterinburg", "Europe/Moscow", "Asia/Novosibirsk", "Europe/Samara",
         "Asia/Vladivostok")


def small_region(index: int) -> Region:
    """Region `n<index>` with one territory and one organisation (`n<index>-org`)."""
    code = f"n{index}"
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": f"Область {index}", "time_zone": ZONES[index % 5]})
    if not Territory.objects.filter(region=region).exists():
        Territory.add_root(region=region, code=code, name=f"Область {index}", kind="region")
    Organisation.objects.get_or_create(region=region, code=f"{code}-org",
                                       defaults={"name": f"Организация {index}",
                                                 "kind": "roiv"})
    return region


def national_operator(username: str = "national-1"):
    user = get_user_model().objects.filter(username=username).first()
    user = user or factories.user(username, email=f"{username}@example.org")
    make_national_operator(user)
    return fresh(user)


def share_contacts(region: Region, shared: bool = True) -> None:
    NationalViewSettings.objects.update_or_create(
        region=region, defaults={"share_contacts_with_national": shared})


def answered(region, organisation_code, *, late: bool, days_ago: int = 3):
    """An answered message registered `days_ago` days ago, answered on time or late."""
    now = timezone.now()
    appeal = message(Status.ANSWERED, organisation_code, region=region,
                     deadline=now - timedelta(days=1))
    Answer.objects.create(appeal=appeal, author=appeal.citizen, text="Сделано.",
                          is_published=True,
                          published_at=now - (timedelta(hours=1) if late
                                              else timedelta(days=2)))
    type(appeal).objects.filter(pk=appeal.pk).update(
        created_at=now - timedelta(days=days_ago))
    return appeal


def populate(region, organisation_code, *, open_=2, overdue=1, on_time=2, late=1):
    """Messages of known figures in `region`: `open_` running (of which `overdue` past
    their deadline), `on_time` and `late` answered ones."""
    now = timezone.now()
    for number in range(open_):
        deadline = now - timedelta(hours=2) if number < overdue else now + timedelta(days=3)
        message(Status.IN_WORK, organisation_code, region=region, deadline=deadline)
    for _ in range(on_time):
        answered(region, organisation_code, late=False)
    for _ in range(late):
        answered(region, organisation_code, late=True)


def curator_of(region, organisation_code, username):
    return staff_member(username, organisation_code, Role.CURATOR, region)
