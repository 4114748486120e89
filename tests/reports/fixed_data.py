"""The reports' small fixed data set, with every expected figure worked out by hand.

The demo region (Europe/Samara, UTC+4). The period is 2 to 15 November 2026 (14 days);
the previous period 19 October to 1 November. 4 November 2026 (a Wednesday) is a public
holiday of the Russian production calendar (the fasttrack plugin's).

In the period:

| # | organisation | registered (local) | deadline | first answer | status | other |
|---|---|---|---|---|---|---|
| 1 | adm-gorsk | Mon 02.11 10:00 | 06.11 | Wed 04.11 → 1 working day, on time | answered | 01.01, Ленинский район, ул. Ленина, 1, portal, rated 5 |
| 2 | adm-gorsk | Tue 03.11 10:00 | 05.11 | Mon 09.11 → 3 working days, late | answered | 01.01, Горск, ул. Мира, 5, portal, rated 2 (low) |
| 3 | adm-gorsk | Thu 05.11 10:00 | 10.11 (passed) | — | in work → overdue | 01.01, Ленинский район, ул. Ленина, 1, portal |
| 4 | dorhoz-gorsk (child of adm-gorsk) | Tue 10.11 10:00 | 25.12 | — | in work, postponement approved | 01.01, Горск, widget |
| 5 | minzdrav | Mon 02.11 09:00 | 20.11 | Thu 12.11 → 7 working days, on time | answered | 03.02, Старомлынск, api, 1 redirect, 48 h lost, rated 4 |
| 6 | minzdrav | Sat 14.11 10:00 | 20.12 | — | on moderation | 03.02, Новоприльск, portal, fast track |

In the previous period: 7 adm-gorsk 01.01 Ленинский район answered on time; 8 adm-gorsk
03.02 Старомлынск answered on time; 9 minzdrav 03.02 Старомлынск answered on time.
Another region has one message in the period (never counted for the demo's staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cms.models import (
    Answer,
    Appeal,
    AppealEvent,
    EventKind,
    Postponement,
    Role,
    Status,
)
from plugins.rating.models import Rating
from plugins.reports import facts
from plugins.reports.filters import ReportFilters
from tests import factories
from tests.workflow.builders import citizen, other_region, staff_member

SAMARA = ZoneInfo("Europe/Samara")
SINCE, UNTIL = date(2026, 11, 2), date(2026, 11, 15)
LENINA_1 = "ул. Ленина, 1"
POTHOLE = "Глубокая яма на дороге у дома Ленина 1, опасно для машин и людей"
POTHOLE_AGAIN = "Яма на дороге у дома Ленина 1, глубокая, опасно для машин и людей"


def local(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SAMARA)


@dataclass
class DataSet:
    messages: dict[int, Appeal]
    curator: object
    head: object
    executor: object
    other_curator: object


def made(number: int, organisation: str, registered: datetime, deadline: datetime, *,
         status=Status.ANSWERED, answered: datetime | None = None, sub="01.01",
         territory="gorsk", address="", channel="portal", fast=False, region=None,
         text="Нужен ремонт") -> Appeal:
    appeal = factories.appeal(region=region, subcategory_code=sub, territory_code=territory,
                              organisation_code=organisation, status=status,
                              address=address, channel=channel, is_fast_track=fast,
                              citizen=citizen())
    Appeal.objects.filter(pk=appeal.pk).update(created_at=registered, deadline=deadline,
                                               text=text, number=f"R-{number:03d}")
    appeal.refresh_from_db()
    if answered is not None:
        Answer.objects.create(appeal=appeal, author=appeal.citizen, text="Ответ.",
                              is_published=True, published_at=answered)
    return appeal


def event(appeal, kind, at: datetime, **fields):
    row = AppealEvent.objects.create(appeal=appeal, kind=kind, **fields)
    AppealEvent.objects.filter(pk=row.pk).update(created_at=at)


def rate(appeal, score: int, author) -> None:
    answer = appeal.answers.get()
    Answer.objects.filter(pk=answer.pk).update(author=author)
    answer.refresh_from_db()
    Rating.objects.create(appeal=appeal, answer=answer, score=score, is_low=score <= 2)


def build() -> DataSet:
    m = {
        1: made(1, "adm-gorsk", local(2, 10), local(6, 18), answered=local(4, 12),
                territory="gorsk-leninsky", address=LENINA_1, text=POTHOLE),
        2: made(2, "adm-gorsk", local(3, 10), local(5, 18), answered=local(9, 10),
                address="ул. Мира, 5"),
        3: made(3, "adm-gorsk", local(5, 10), local(10, 18), status=Status.IN_WORK,
                territory="gorsk-leninsky", address=LENINA_1, text=POTHOLE_AGAIN),
        4: made(4, "dorhoz-gorsk", local(10, 10), local(25, 18, month=12),
                status=Status.IN_WORK, channel="widget"),
        5: made(5, "minzdrav", local(2, 9), local(20, 18), answered=local(12, 10),
                sub="03.02", territory="staromlynsk", channel="api"),
        6: made(6, "minzdrav", local(14, 10), local(20, 18, month=12),
                status=Status.ON_MODERATION, sub="03.02", territory="novoprilsk", fast=True),
        7: made(7, "adm-gorsk", local(20, 10, month=10), local(30, 18, month=10),
                answered=local(21, 10, month=10), territory="gorsk-leninsky"),
        8: made(8, "adm-gorsk", local(21, 10, month=10), local(30, 18, month=10),
                answered=local(25, 10, month=10), sub="03.02", territory="staromlynsk"),
        9: made(9, "minzdrav", local(22, 10, month=10), local(30, 18, month=10),
                answered=local(23, 10, month=10), sub="03.02", territory="staromlynsk"),
    }
    Postponement.objects.create(appeal=m[4], author=m[4].citizen, reasons="Сезон",
                                until=local(25, 18, month=12), is_approved=True)
    event(m[5], EventKind.STATUS_CHANGED, local(2, 12), to_value=Status.SENT_TO_ORGANISATION)
    event(m[5], EventKind.ADDRESSEE_CHANGED, local(3, 12), data={"redirect": True})
    event(m[5], EventKind.STATUS_CHANGED, local(4, 12), to_value=Status.SENT_TO_ORGANISATION)
    other = other_region()
    made(10, "other-org", local(3, 10), local(6, 18), region=other, territory="other")

    executor = factories.user("rep-executor", first_name="Анна", last_name="Орлова")
    rate(m[1], 5, executor)
    rate(m[2], 2, executor)
    rate(m[5], 4, executor)
    data = DataSet(
        messages=m,
        curator=staff_member("rep-curator", "cur", Role.CURATOR),
        head=staff_member("rep-head", "minzdrav", Role.HEAD),
        executor=executor,
        other_curator=staff_member("rep-other", "other-org", Role.CURATOR, region=other),
    )
    # The reports read the facts, as the scheduled refresh leaves them.
    facts.refresh(full=True)
    return data


def period(**kwargs) -> ReportFilters:
    return ReportFilters(since=SINCE, until=UNTIL, zone="Europe/Samara", **kwargs)
