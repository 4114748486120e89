"""Following messages: GET requests and GET requests/<id>, as the spec lays them out.

`status` is open or closed as the workflow's statuses say (`OPEN_STATUSES`);
`status_notes` is the last line of the public history the citizen reads; times are ISO
8601 on the region's clock. Anonymous callers get no personal data: the text, the place
and the files of a message go only to the integration that filed it (its key).

A list is three queries whatever its length: the region, the page of messages with
everything they show (one join), and their public events (one prefetch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cms import regiontime
from cms.models import Appeal, AppealEvent
from cms.models.appeals import OPEN_STATUSES
from cms.permissions.public import public_appeals
from cms.portal.history import public_lines, shows_deadline

from .errors import ApiError

OPEN, CLOSED = "open", "closed"
# The spec's defaults: a search spans at most 90 days, the most recent ones by default,
# and gives at most 1,000 requests (here: per page).
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
# Deeper than any region's history: keeps the offset a number the database takes.
MAX_PAGE = 1_000_000


def listing_queryset(region) -> QuerySet[Appeal]:
    public_events = AppealEvent.objects.filter(is_public=True).order_by("created_at", "pk")
    # Which messages: the permission policy's public answer; which of their fields: see
    # `request_entry` (no personal data but to the integration that filed a message).
    return (public_appeals(region)
            .select_related("subcategory__category", "organisation",
                            "open311_filing__integration")
            .prefetch_related(Prefetch("events", queryset=public_events,
                                       to_attr="public_events")))


def iso(moment: datetime | None, region) -> str | None:
    """ISO 8601 with the region's offset, to the second."""
    if moment is None:
        return None
    return regiontime.local(moment, region).replace(microsecond=0).isoformat()


def status_of(appeal: Appeal) -> str:
    return OPEN if appeal.status in OPEN_STATUSES else CLOSED


def status_notes(appeal: Appeal, region) -> str:
    events = getattr(appeal, "public_events", None)
    lines = public_lines(events if events is not None else
                         appeal.events.filter(is_public=True).order_by("created_at", "pk"),
                         region)
    if not lines:
        return ""
    last = lines[-1]
    return f"{last.text}. {last.reason}".strip() if last.reason else last.text


def service_notice(appeal: Appeal, region) -> str:
    if not shows_deadline(appeal):
        return ""
    return _("An answer is due by %(deadline)s.") % {
        "deadline": regiontime.format_datetime(appeal.deadline, region)}


def filed_by(appeal: Appeal, integration) -> bool:
    if integration is None:
        return False
    filing = getattr(appeal, "open311_filing", None)
    return filing is not None and filing.integration_id == integration.pk


def request_entry(appeal: Appeal, region, integration=None) -> dict:
    """One service request; the text and the place only for the integration that filed it."""
    own = filed_by(appeal, integration)
    filing = getattr(appeal, "open311_filing", None) if own else None
    return {
        "service_request_id": appeal.number,
        "status": status_of(appeal),
        "status_notes": status_notes(appeal, region),
        "service_name": appeal.subcategory.display_name,
        "service_code": appeal.subcategory.code,
        "description": appeal.text if own else None,
        "agency_responsible": appeal.organisation.name,
        "service_notice": service_notice(appeal, region),
        "requested_datetime": iso(appeal.created_at, region),
        "updated_datetime": iso(appeal.updated_at, region),
        "expected_datetime": iso(appeal.deadline, region) if shows_deadline(appeal) else None,
        "address": (appeal.address or None) if own else None,
        "address_id": None,
        "zipcode": None,
        "lat": float(appeal.latitude) if own and appeal.latitude is not None else None,
        "long": float(appeal.longitude) if own and appeal.longitude is not None else None,
        "media_url": (filing.media_url or None) if filing is not None else None,
    }


# --- the list's parameters ---------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_RESULTS


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _moment(params, name: str, region) -> datetime | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    not_iso = ApiError.of(400, _("%(name)s is not an ISO 8601 date and time.")
                          % {"name": name})
    try:
        # A '+' sent unencoded in a query reads as a space.
        moment = parse_datetime(value.replace(" ", "+"))
        day = parse_date(value) if moment is None else None
    except ValueError:
        raise not_iso from None
    if moment is None:
        if day is None:
            raise not_iso
        moment = datetime.combine(day, datetime.min.time())
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=regiontime.zone(region))
    return moment


def _positive(params, name: str, default: int, maximum: int | None = None) -> int:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1 or (maximum is not None and int(value) > maximum):
        message = (_("%(name)s must be a whole number from 1 to %(max)d.") if maximum
                   else _("%(name)s must be a whole number from 1."))
        raise ApiError.of(400, message % {"name": name, "max": maximum})
    return int(value)


def parse_search(params, region, now: datetime | None = None) -> Search:
    """The spec's filters, checked: a wrong one is a 400, never a silent default."""
    now = now or timezone.now()
    page = _positive(params, "page", 1, MAX_PAGE)
    page_size = _positive(params, "page_size", MAX_RESULTS, MAX_RESULTS)
    request_ids = _comma_list(params.get("service_request_id", ""))
    if request_ids:
        # The spec: service_request_id overrides every other argument.
        return Search(request_ids=request_ids[:MAX_RESULTS], page=page, page_size=page_size)
    statuses = _comma_list(params.get("status", "").lower())
    unknown = [status for status in statuses if status not in (OPEN, CLOSED)]
    if unknown:
        raise ApiError.of(400, _("status must be open, closed or both (comma-separated)."))
    start, end = _moment(params, "start_date", region), _moment(params, "end_date", region)
    try:
        if start is None and end is None:
            start, end = now - DEFAULT_WINDOW, None
        elif start is None:
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
    except OverflowError:
        raise ApiError.of(400, _("start_date or end_date is out of range.")) from None
    if end is not None and end < start:
        raise ApiError.of(400, _("end_date is before start_date."))
    if end is not None and end - start > DEFAULT_WINDOW:
        raise ApiError.of(400, _("A search may span at most 90 days."))
    return Search(service_codes=_comma_list(params.get("service_code", "")), start=start,
                  end=end, statuses=tuple(dict.fromkeys(statuses)), page=page,
                  page_size=page_size)


def search_appeals(region, search: Search) -> list[Appeal]:
    appeals = listing_queryset(region)
    if search.request_ids:
        appeals = appeals.filter(number__in=search.request_ids)
    else:
        if search.service_codes:
            appeals = appeals.filter(subcategory__code__in=search.service_codes)
        appeals = appeals.filter(created_at__gte=search.start)
        if search.end is not None:
            appeals = appeals.filter(created_at__lte=search.end)
        if set(search.statuses) == {OPEN}:
            appeals = appeals.filter(status__in=OPEN_STATUSES)
        elif set(search.statuses) == {CLOSED}:
            appeals = appeals.exclude(status__in=OPEN_STATUSES)
    offset = (search.page - 1) * search.page_size
    return list(appeals.order_by("-created_at", "-pk")[offset:offset + search.page_size])


def find_appeal(region, request_id: str) -> Appeal:
    appeal = listing_queryset(region).filter(number=request_id).first()
    if appeal is None:
        raise ApiError.of(404, _("No service request %(id)s in this jurisdiction.")
                          % {"id": request_id})
    return appeal
