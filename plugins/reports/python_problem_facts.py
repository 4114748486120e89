"""The problem points' facts computed in Python: the refresh's path off PostgreSQL
(SQLite, the demo), beside `problem_facts`' SQL.

The same rows as the SQL writes, for a demo's few hundred messages: places (a territory
and an address as places compare it), one fact per message with its place, the groups
of similar messages (each message against the `NEIGHBOURS` before it at its place and
subcategory within `WINDOW`, texts compared by pg_trgm's similarity, computed in
`plugins.reports.trigrams`), places' totals, and the months' cells (the region's local
month). Only the ORM is used, so the tests run it on PostgreSQL too and compare its rows
with the SQL's (tests/reports/test_problem_facts_in_python.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Q

from cms.models import Appeal

from .problem_facts import (
    ProblemFact,
    ProblemGroup,
    ProblemMonth,
    ProblemPlace,
    components,
)
from .python_facts import any_of, delete, local_month, region_zones
from .trigrams import at_least, trigrams

Place = tuple[int, int]  # (place id, subcategory id): where groups are found
FACT_FIELDS = ("region_id", "created_at", "organisation_id", "category_id",
               "subcategory_id", "territory_id", "channel", "is_fast_track", "place_id")


def place_key(address: str) -> str:
    """As `problem_facts.PLACE_KEY_SQL`: trimmed of spaces (BTRIM), lower case."""
    return address.strip(" ").lower()


def write(*, full: bool, since: datetime | None, regions: list[int]) -> dict[str, int]:
    """Write the facts of every message (full) or of those changed since `since`, and
    recompute what they touch; returns the rows written, as the SQL path does."""
    if full:
        for model in (ProblemFact, ProblemPlace, ProblemGroup, ProblemMonth):
            delete(model.objects.all())
    changed = Appeal.objects.filter(region_id__in=regions)
    if not full:
        changed = changed.filter(updated_at__gte=since)
    before = ProblemFact.objects.filter(appeal_id__in=changed.values("pk"))
    touched = set(before.filter(place__isnull=False).values_list("place_id",
                                                                 "subcategory_id"))
    months = set(before.values_list("region_id", "created_at"))
    appeals = list(changed.order_by("pk").values("pk", "address", *FACT_FIELDS[:-1]))
    written = {"places": add_places(appeals)}
    place_of = {(territory, key): pk for pk, territory, key in
                ProblemPlace.objects.values_list("pk", "territory_id", "key")}
    rows = [ProblemFact(appeal_id=a["pk"], place_id=place_of.get(
        (a["territory_id"], place_key(a["address"]))), **{
        name: a[name] for name in FACT_FIELDS[:-1]}) for a in appeals]
    ProblemFact.objects.bulk_create(rows, update_conflicts=True, unique_fields=["appeal"],
                                    update_fields=[name.removesuffix("_id")
                                                   for name in FACT_FIELDS])
    written["facts"] = len(rows)
    touched |= {(row.place_id, row.subcategory_id) for row in rows if row.place_id}
    months |= {(row.region_id, row.created_at) for row in rows}
    written["groups"] = regroup(None if full else touched)
    recount_places(None if full else {place for place, _subcategory in touched})
    recount_months(None if full else months)
    return written


def add_places(appeals: list[dict]) -> int:
    """The places of `appeals` not yet known (the address as the first message there
    wrote it); returns how many."""
    known = set(ProblemPlace.objects.values_list("territory_id", "key"))
    new = {}
    for a in appeals:  # by id: the first message's address
        key = (a["territory_id"], place_key(a["address"]))
        if key[1] and key not in known and key not in new:
            new[key] = ProblemPlace(region_id=a["region_id"], territory_id=key[0],
                                    key=key[1], address=a["address"].strip(" "), total=0)
    ProblemPlace.objects.bulk_create(new.values())
    return len(new)


def regroup(places: set[Place] | None) -> int:
    """Recompute the groups of similar messages at `places` (None: everywhere) and
    their `ProblemGroup` rows; returns the facts whose group changed."""
    from .similar import GROUP_THRESHOLD, NEIGHBOURS, WINDOW

    if places is not None and not places:
        return 0
    facts = ProblemFact.objects.filter(place__isnull=False)
    if places is not None:
        facts = facts.filter(place_id__in={place for place, _sub in places})
    at_place: dict[Place, list] = defaultdict(list)
    for row in facts.order_by("created_at", "appeal_id").values_list(
            "appeal_id", "place_id", "subcategory_id", "created_at", "similar_group",
            "region_id", "appeal__text"):
        if places is None or (row[1], row[2]) in places:
            at_place[row[1], row[2]].append(row)
    pairs = []
    for rows in at_place.values():
        texts = [trigrams(row[6]) for row in rows]
        for i, row in enumerate(rows):
            for j in range(max(0, i - NEIGHBOURS), i):
                if (rows[j][3] >= row[3] - WINDOW
                        and at_least(texts[i], texts[j], GROUP_THRESHOLD)):
                    pairs.append((row[0], rows[j][0]))
    group_of = components(pairs)
    changed = [ProblemFact(appeal_id=row[0], similar_group=group_of.get(row[0]))
               for rows in at_place.values() for row in rows
               if row[4] != group_of.get(row[0])]
    ProblemFact.objects.bulk_update(changed, ["similar_group"])
    stale = ProblemGroup.objects.all()
    if places is not None:
        stale = stale.filter(any_of(Q(place_id=place, subcategory_id=subcategory)
                                    for place, subcategory in places))
    delete(stale)
    members: dict[int, list] = defaultdict(list)
    for rows in at_place.values():
        for row in rows:
            if row[0] in group_of:
                members[group_of[row[0]]].append(row)
    ProblemGroup.objects.bulk_create(
        ProblemGroup(id=group, region_id=min(row[5] for row in rows),
                     place_id=min(row[1] for row in rows),
                     subcategory_id=min(row[2] for row in rows), size=len(rows))
        for group, rows in members.items())
    return len(changed)


def recount_places(place_ids: set[int] | None) -> None:
    """Each place's messages, all time (of `place_ids`, or of every place)."""
    places = ProblemPlace.objects.all()
    facts = ProblemFact.objects.filter(place__isnull=False)
    if place_ids is not None:
        places = places.filter(pk__in=place_ids)
        facts = facts.filter(place_id__in=place_ids)
    totals: dict[int, int] = defaultdict(int)
    for place_id in facts.values_list("place_id", flat=True):
        totals[place_id] += 1
    changed = [place for place in places if place.total != totals[place.pk]]
    for place in changed:
        place.total = totals[place.pk]
    ProblemPlace.objects.bulk_update(changed, ["total"])


def recount_months(moments: set[tuple[int, datetime]] | None) -> None:
    """Count the messages' cells (region, local month, subcategory, territory) again,
    of the months of `moments` ((region, a time in it); None: of every month)."""
    zones = region_zones()
    months = None if moments is None else {(region, local_month(at, zones[region]))
                                           for region, at in moments}
    if months is not None and not months:
        return
    stale, facts = ProblemMonth.objects.all(), ProblemFact.objects.all()
    if months is not None:
        stale = stale.filter(any_of(Q(region_id=region, month=first)
                                    for region, first in months))
        facts = facts.filter(region_id__in={region for region, _first in months})
    delete(stale)
    cells: dict[tuple, list] = {}
    for region, at, category, subcategory, territory in facts.values_list(
            "region_id", "created_at", "category_id", "subcategory_id", "territory_id"):
        key = (region, local_month(at, zones[region]))
        if months is not None and key not in months:
            continue
        cell = cells.setdefault((*key, subcategory, territory), [category, 0])
        cell[0] = min(cell[0], category)
        cell[1] += 1
    ProblemMonth.objects.bulk_create(
        ProblemMonth(region_id=region, month=first, subcategory_id=subcategory,
                     territory_id=territory, category_id=category, messages=count)
        for (region, first, subcategory, territory), (category, count) in cells.items())
