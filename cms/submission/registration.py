"""Registering a new message: the one write path that creates an Appeal.

`decide_registration` asks the kernel for the addressee and the deadline (plugins first, the
core's fallbacks last) before any write; `take_number` may number the message ahead of the
transaction; `register_appeal` writes the message, the first events of its history and its
notifications inside the caller's transaction. `do_register_appeal` is that in a
transaction of its own, a repeated idempotency key answered with the first message
(`first_registration`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.kernel.hookspecs import AddresseeChoice, DeadlineChoice
from cms.kernel.plugins import hooks_for
from cms.models import (
    Appeal,
    AppealEvent,
    Channel,
    EventKind,
    RegistrationCounter,
    Status,
)
from cms.notifications.links import citizen_link
from cms.notifications.workflow import notify_transition
from cms.workflow import table

logger = logging.getLogger(__name__)

# Where a registered message goes: the workflow table's REGISTER row (on to moderation).
REGISTER = table.transition(Status.REGISTERED, table.Action.REGISTER)
INITIAL_STATUS = REGISTER.target


@dataclass
class NewAppeal:
    """What a channel collected, validated, before registration."""

    region: object
    citizen: object
    category: object
    subcategory: object
    territory: object
    text: str
    channel: str = Channel.PORTAL
    widget_organisation: object | None = None
    address: str = ""
    latitude: object | None = None
    longitude: object | None = None
    extra_answers: dict = field(default_factory=dict)
    idempotency_key: uuid.UUID | None = None


def citizen_snapshot(citizen) -> dict:
    """The contact data as it was at submission (the account may change later)."""
    profile_email = getattr(getattr(citizen, "citizen_profile", None), "notification_email", "")
    return {
        "full_name": citizen.get_full_name() or citizen.get_username(),
        "email": profile_email or citizen.email,
        "phone": getattr(getattr(citizen, "citizen_profile", None), "phone", ""),
    }


def number_upsert(region, now: datetime, where: str = "WHERE TRUE",
                  where_params=()) -> tuple[str, list]:
    """The upsert that takes `region`'s next number in `now`'s year, returning it:
    (SQL, params). `where` may hold the insert back (the submit path's rate limit,
    `cms.submission.counters`); SQLite wants a WHERE on an upsert's SELECT, hence TRUE.
    """
    table = connection.ops.quote_name(RegistrationCounter._meta.db_table)
    sql = (f"INSERT INTO {table} (region_id, year, last_value) SELECT %s, %s, 1 {where} "
           f"ON CONFLICT (region_id, year) "
           f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value")
    return sql, [region.pk, registration_year(region, now), *where_params]


def registration_year(region, now: datetime) -> int:
    return now.astimezone(region.tzinfo).year


def number_text(region, now: datetime, value: int) -> str:
    """`<REGION>-<YEAR>-<NNNNNN>`, unique per region and year."""
    return f"{region.code.upper()}-{registration_year(region, now)}-{value:06d}"


def next_registration_number(region, now: datetime) -> str:
    """The region's next number (`number_text`), in one statement.

    The counter row stays locked until the statement's transaction commits, so
    concurrent registrations in a region never share a number.
    """
    sql, params = number_upsert(region, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (value,) = cursor.fetchone()
    return number_text(region, now, value)


@dataclass
class Decision:
    """What registering a message decides before it writes anything: the message, not
    yet saved, with the addressee and the deadline the kernel's hooks chose at `at`."""

    data: NewAppeal
    appeal: Appeal
    choice: AddresseeChoice
    deadline: DeadlineChoice
    at: datetime


def decide_registration(data: NewAppeal) -> Decision:
    """Ask the hooks for the addressee and the deadline (they read the region's rules
    and calendar from memory; writing nothing, this may run before the write path's
    transaction, so that its locks are held for the writes alone)."""
    now = timezone.now()
    appeal = Appeal(
        region=data.region,
        channel=data.channel,
        widget_organisation=data.widget_organisation,
        citizen=data.citizen,
        citizen_snapshot=citizen_snapshot(data.citizen),
        category=data.category,
        subcategory=data.subcategory,
        territory=data.territory,
        address=data.address,
        latitude=data.latitude,
        longitude=data.longitude,
        text=data.text,
        extra_answers=data.extra_answers,
        idempotency_key=data.idempotency_key,
        status=INITIAL_STATUS,
    )
    hooks = hooks_for(data.region)
    choice = within_region(hooks.choose_addressee(appeal=appeal), data.region)
    appeal.organisation = choice.organisation
    deadline = hooks.appeal_deadline(appeal=appeal, start=now)
    appeal.deadline = deadline.due_at
    appeal.is_fast_track = deadline.is_fast_track
    return Decision(data=data, appeal=appeal, choice=choice, deadline=deadline, at=now)


def take_number(decision: Decision) -> None:
    """Number the message ahead of its registration, which then keeps the number.

    The submit paths call this before the registration's transaction, where the upsert
    commits by itself, so the region's counter row, which every citizen of the region
    shares, is locked for one statement instead of for the whole registration (the
    message, its events, notifications and files). Without it the registration numbers
    inside its own transaction, as its first write. The price is a gap: a post that
    then fails, or repeats an earlier one (same idempotency key), leaves its number
    unused. Numbers stay unique and increasing per region and year; nothing promises
    them without gaps.
    """
    decision.appeal.number = next_registration_number(decision.data.region, decision.at)


def within_region(choice: AddresseeChoice, region) -> AddresseeChoice:
    """`choice`, or the region's moderating organisation when the choice names another
    region's organisation: a message never leaves its region, whatever a rule written
    around validation (a bulk update, a third-party plugin's answer) says."""
    if choice.organisation.region_id == region.pk:
        return choice
    logger.warning("choose_addressee named %s of another region for a message of %s",
                   choice.organisation, region.code)
    return AddresseeChoice(
        organisation=region.default_moderating_organisation,
        explanation=_("The routing chose an organisation of another region; the message "
                      "went to the region's moderating organisation."),
        details={**choice.details, "refused_organisation": choice.organisation.pk},
    )


def do_register_appeal(data: NewAppeal, *, decision: Decision | None = None
                       ) -> tuple[Appeal, bool]:
    """Register a message; returns (appeal, created). `decision`, when given, is
    `decide_registration(data)` made just before (else it is made here).

    With an idempotency key already used, the message registered the first time is
    returned and nothing new is written (a double submit makes one message). The key's
    unique constraint decides, so a first post pays no look-up: a repeated one rolls its
    attempt back and reads the first message (`first_registration`).
    """
    try:
        with transaction.atomic():
            return register_appeal(decision or decide_registration(data)), True
    except IntegrityError as error:
        return first_registration(data, error), False


def first_registration(data: NewAppeal, error: IntegrityError) -> Appeal:
    """The message first registered with `data`'s idempotency key, after `error` refused
    a second one; `error` again when it was about something else. Call it once the
    refused attempt is rolled back."""
    if data.idempotency_key is not None:
        existing = Appeal.objects.filter(idempotency_key=data.idempotency_key).first()
        if existing is not None:
            return existing
    raise error


def register_appeal(decision: Decision) -> Appeal:
    """Write the decided message, the first events of its history and its notifications.
    Inside the caller's transaction; an idempotency key used before raises IntegrityError
    (see `do_register_appeal`)."""
    data, appeal, choice, deadline = (decision.data, decision.appeal, decision.choice,
                                      decision.deadline)
    region = data.region
    hooks = hooks_for(region)
    if not appeal.number:
        # Not taken ahead (`take_number`): from here the region's counter row stays
        # locked until commit, so only the writes follow.
        appeal.number = next_registration_number(region, decision.at)
    appeal.save()

    actor = data.citizen
    events = [
        AppealEvent(appeal=appeal, kind=EventKind.REGISTERED, actor=actor,
                    to_value=appeal.number, is_public=True,
                    data={"channel": appeal.channel}),
        AppealEvent(appeal=appeal, kind=EventKind.ROUTED, actor=None,
                    to_value=str(choice.organisation), reason=choice.explanation,
                    data=choice.details),
        AppealEvent(appeal=appeal, kind=EventKind.DEADLINE_CHANGED, actor=None,
                    to_value=appeal.deadline.isoformat(), reason=deadline.explanation,
                    data={"fast_track": deadline.is_fast_track}),
        AppealEvent(appeal=appeal, kind=EventKind.STATUS_CHANGED, actor=None,
                    from_value=Status.REGISTERED, to_value=INITIAL_STATUS,
                    is_public=REGISTER.public, data={"action": REGISTER.action}),
    ]
    AppealEvent.objects.bulk_create(events)
    for event in events:
        hooks.appeal_transitioned(appeal=appeal, event=event)
    confirmation = dict(
        template="appeal_registered",
        email=appeal.citizen_snapshot.get("email", ""),
        recipient=data.citizen,
        appeal=appeal,
        context={"number": appeal.number, "link": citizen_link(appeal)},
        dedup_key=f"registered:{appeal.pk}",
    )
    notify_transition(appeal, REGISTER, events[-1], also=[confirmation])
    return appeal
