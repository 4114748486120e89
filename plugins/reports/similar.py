"""Similar messages: groups for the problem-points report, duplicates for the moderator,
"already reported" for the citizen's form.

On PostgreSQL texts are compared with pg_trgm's `similarity()` (the extension comes with
migration cms 0008). A comparison is never made across the whole table: messages are
first put into places (the same subcategory, territory and address, the address compared
case- and space-insensitively), and only messages of one place registered within
`WINDOW` of each other are compared. The places come from one GROUP BY; the largest are
compared first, and the work stops as soon as no place left can hold a group larger than
the ones found (a group is never larger than its place).

SQLite (the demo) has no pg_trgm: there the same place is enough, texts are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Lower, Trim

from cms.models import Appeal, Region, Status, Subcategory, Territory
from cms.models.appeals import OPEN_STATUSES

from .problem_facts import components as connected_components

# Two texts at least this similar (pg_trgm's 0..1 share of common trigrams) are about the
# same problem. Measured on the demo's texts: rewordings of one complaint score 0.45-0.8,
# different problems at one address under 0.25.
GROUP_THRESHOLD = 0.4
# The moderator decides, so the suggestions cast a wider net.
DUPLICATE_THRESHOLD = 0.3
ADDRESS_THRESHOLD = 0.5
WINDOW = timedelta(days=30)
# The open statuses as the partial index `reports_appeal_open_place` lists them.
OPEN = sorted(str(status.value) for status in OPEN_STATUSES)
# The work's bounds over a million messages: places are compared in batches, the busiest
# first, and at most `MAX_PLACES` of them (the groups reported are the largest in the
# busiest places; a quiet place's pair is left out once that many were looked at).
PLACE_BATCH = 50
MAX_PLACES = 200
NEIGHBOURS = 3


@dataclass(frozen=True)
class SimilarGroup:
    subcategory_id: int
    subcategory: str
    territory_id: int
    territory: str
    address: str
    count: int
    appeal_ids: list[int] = field(default_factory=list)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Similarity(Func):
    """pg_trgm's similarity(a, b)."""

    function = "similarity"
    output_field = FloatField()


def place_key(address="address"):
    """An address as places compare it: trimmed, lower case (by the database's own
    LOWER on both sides: SQLite's only folds ASCII)."""
    return Lower(Trim(address))


# --- groups (the problem-points report) ------------------------------------------------


def similar_groups(appeals: QuerySet, *, limit: int = 50) -> list[SimilarGroup]:
    """The `limit` largest groups of similar messages among `appeals` (a queryset already
    limited to what the user may see and the report's filters), largest first.

    A group is two or more messages with the same subcategory, territory and non-empty
    address whose texts are similar (chains count: a~b and b~c make one group of three),
    each within `WINDOW` of another of the group.
    """
    places = (appeals.exclude(address="").order_by()
              .values("subcategory_id", "territory_id", place=place_key())
              .annotate(n=Count("pk")).filter(n__gte=2).order_by("-n"))
    groups: list[SimilarGroup] = []
    batch: list[dict] = []
    for place in places[:MAX_PLACES]:
        if len(groups) >= limit and groups[limit - 1].count >= place["n"]:
            break  # no place left can hold a larger group
        batch.append(place)
        if len(batch) == PLACE_BATCH:
            groups = _ranked(groups + _groups_in(appeals, batch))
            batch = []
    if batch:
        groups = _ranked(groups + _groups_in(appeals, batch))
    return _with_names(groups[:limit])


def _ranked(groups: list[SimilarGroup]) -> list[SimilarGroup]:
    return sorted(groups, key=lambda group: (-group.count, -max(group.appeal_ids)))


def _groups_in(appeals: QuerySet, places: list[dict]) -> list[SimilarGroup]:
    """The groups inside `places` (one query for the messages, one for the pairs)."""
    where = Q()
    for place in places:
        where |= Q(subcategory_id=place["subcategory_id"], territory_id=place["territory_id"],
                   place=place["place"])
    rows = list(appeals.order_by().annotate(place=place_key()).filter(where)
                .values_list("pk", "subcategory_id", "territory_id", "place", "address"))
    by_id = {row[0]: row for row in rows}
    pairs = _similar_pairs(list(by_id)) if is_postgresql() else _same_place_pairs(rows)
    components = _components(pairs)
    groups = []
    for ids in components:
        first = by_id[ids[0]]
        groups.append(SimilarGroup(subcategory_id=first[1], subcategory="",
                                   territory_id=first[2], territory="", address=first[4],
                                   count=len(ids), appeal_ids=sorted(ids)))
    return groups


def _similar_pairs(ids: list[int]) -> list[tuple[int, int]]:
    """Pairs of `ids` at one place, within the window, with similar texts (pg_trgm).

    Each message is compared with the `NEIGHBOURS` registered just before it at its
    place, not with all of them: one sort and `LAG`, linear, where a join on the place
    is quadratic in a busy place's messages. Rewordings of one problem come
    close together in time, and a chain of neighbours still makes one group.
    """
    lags = ",\n".join(
        f"LAG(id, {k}) OVER w AS id{k}, LAG(text, {k}) OVER w AS text{k}, "
        f"LAG(created_at, {k}) OVER w AS at{k}" for k in range(1, NEIGHBOURS + 1))
    pairs = " UNION ALL ".join(
        f"SELECT id, id{k} FROM m WHERE id{k} IS NOT NULL AND at{k} >= created_at - %s "
        f"AND similarity(text, text{k}) >= %s" for k in range(1, NEIGHBOURS + 1))
    sql = f"""
        WITH m AS (
            SELECT id, created_at, text, {lags}
            FROM cms_appeal WHERE id = ANY(%s)
            WINDOW w AS (PARTITION BY subcategory_id, territory_id, LOWER(BTRIM(address))
                         ORDER BY created_at, id)
        )
        {pairs}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, *[WINDOW, GROUP_THRESHOLD] * NEIGHBOURS])
        return cursor.fetchall()


def _same_place_pairs(rows) -> list[tuple[int, int]]:
    """SQLite: every message of a place pairs with the place's first one."""
    first: dict[tuple, int] = {}
    pairs = []
    for pk, subcategory_id, territory_id, place, _address in rows:
        key = (subcategory_id, territory_id, place)
        if key in first:
            pairs.append((first[key], pk))
        else:
            first[key] = pk
    return pairs


def _components(pairs) -> list[list[int]]:
    """Connected components of the pairs' graph with two messages or more."""
    members: dict[int, list[int]] = {}
    for message, root in connected_components(pairs).items():
        members.setdefault(root, []).append(message)
    return [ids for ids in members.values() if len(ids) >= 2]


def _with_names(groups: list[SimilarGroup]) -> list[SimilarGroup]:
    subcategories = {s.pk: f"{s.code} {s.name}" for s in Subcategory.objects.filter(
        pk__in={g.subcategory_id for g in groups})}
    territories = dict(Territory.objects.filter(pk__in={g.territory_id for g in groups})
                       .values_list("pk", "name"))
    return [SimilarGroup(subcategory_id=g.subcategory_id,
                         subcategory=subcategories.get(g.subcategory_id, ""),
                         territory_id=g.territory_id,
                         territory=territories.get(g.territory_id, ""),
                         address=g.address, count=g.count, appeal_ids=g.appeal_ids)
            for g in groups]


# --- possible duplicates (the moderator's message page) ---------------------------------


def nearby_territories(territory: Territory) -> QuerySet:
    """The ids of the territory, its parent and its children, as a subquery (the
    parent's path is the territory's without its last step): no query of its own."""
    near = Q(pk=territory.pk) | Q(path__startswith=territory.path, depth=territory.depth + 1)
    if territory.depth > 1:
        near |= Q(path=territory.path[:-territory.steplen])
    return Territory.objects.filter(near, region_id=territory.region_id).values("pk")


def possible_duplicates(appeal: Appeal, limit: int = 5,
                        within: QuerySet[Appeal] | None = None) -> list[Appeal]:
    """Messages that may be the same as `appeal`, among `within` (the messages the
    moderator may see; all by default): same region and subcategory, the same or a
    nearby territory, registered within `WINDOW` of it, not rejected, with a similar
    text (PostgreSQL) or the same address (SQLite). The most similar (then the oldest)
    first; each has `similarity` (None on SQLite). One query, whatever the number of
    candidates: the territories and the visibility are subqueries, and the rows are
    read through the index `reports_appeal_place_time` (subcategory, territory,
    created_at; migration 0003), a few dozen rows over a million messages."""
    candidates = ((within if within is not None else Appeal.objects.all())
                  .filter(region_id=appeal.region_id, subcategory_id=appeal.subcategory_id,
                          territory_id__in=nearby_territories(appeal.territory),
                          created_at__gte=appeal.created_at - WINDOW,
                          created_at__lte=appeal.created_at + WINDOW)
                  .exclude(pk=appeal.pk).exclude(status=Status.REJECTED)
                  .select_related("territory").only("pk", "number", "status", "created_at",
                                                    "address", "territory__name"))
    if is_postgresql():
        candidates = (candidates.annotate(similarity=Similarity(F("text"), Value(appeal.text)))
                      .filter(similarity__gte=DUPLICATE_THRESHOLD)
                      .order_by("-similarity", "created_at", "pk"))
    else:
        if not appeal.address.strip():
            return []
        no_similarity = Value(None, output_field=FloatField())
        candidates = (candidates.annotate(place=place_key(), similarity=no_similarity)
                      .filter(place=place_key(Value(appeal.address)))
                      .order_by("created_at", "pk"))
    return list(candidates[:limit])


# --- already reported (the citizen's form) ----------------------------------------------


def already_reported(region: Region, subcategory: Subcategory, territory: Territory,
                     address: str, text: str = "", limit: int = 5) -> list[Appeal]:
    """Open messages of `region` about the same problem at the same place: the same
    subcategory and territory and a similar address (PostgreSQL; the same address on
    SQLite). Newest first, or the most similar text first when a text is given.
    Nothing without an address: a whole territory is no place."""
    address = (address or "").strip()
    if not address:
        return []
    # Read through the partial index `reports_appeal_open_place` (migration 0003): the
    # open messages of one subcategory and territory, before any address is compared.
    candidates = (Appeal.objects
                  .filter(region_id=region.pk, subcategory_id=subcategory.pk,
                          territory_id=territory.pk, status__in=OPEN)
                  .only("pk", "number", "status", "created_at"))
    if is_postgresql():
        candidates = (candidates
                      .annotate(address_similarity=Similarity(place_key(),
                                                              place_key(Value(address))))
                      .filter(address_similarity__gte=ADDRESS_THRESHOLD))
        if text.strip():
            candidates = candidates.annotate(
                similarity=Similarity(F("text"), Value(text))).order_by(
                "-similarity", "-created_at")
        else:
            candidates = candidates.order_by("-address_similarity", "-created_at")
    else:
        candidates = (candidates.annotate(place=place_key())
                      .filter(place=place_key(Value(address)))
                      .order_by("-created_at"))
    return list(candidates[:limit])
