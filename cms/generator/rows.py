"""The rows of one batch: each story as the workflow would have written it, in the
core's tables (messages, events, answers, postponements, the executors' grants)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cms.models import (
    Answer,
    Appeal,
    AppealEvent,
    AppealUserObjectPermission,
    Channel,
    Postponement,
    Status,
)

from . import stories
from .stories import Story, Teller
from .writer import TableWriter

if TYPE_CHECKING:
    from .run import Job

# Messages grow year on year: the age is drawn as span * u**AGE_SKEW, recent ones more.
AGE_SKEW = 1.3
# The share of messages sent to their subcategory's usual addressee.
USUAL_ADDRESSEE_SHARE = 0.85
# Statuses whose message keeps its executor (and the executor's grant).
ASSIGNED_STATUSES = frozenset({Status.IN_WORK, Status.POSTPONED, Status.ON_APPROVAL,
                               Status.ANSWERED, Status.CLOSED})

APPEAL_FIELDS = (
    "id", "public_id", "number", "region", "channel", "widget_organisation", "citizen",
    "citizen_snapshot", "category", "subcategory", "territory", "address", "text",
    "extra_answers", "organisation", "executor", "status", "deadline", "is_fast_track",
    "is_overdue", "postponed_until", "created_at", "updated_at", "version",
)
EVENT_FIELDS = ("id", "appeal", "kind", "actor", "created_at", "from_value", "to_value",
                "reason", "data", "is_public")
ANSWER_FIELDS = ("id", "appeal", "author", "submitted_at", "decided_by", "decided_at",
                 "remarks", "text", "is_published", "published_at")
POSTPONEMENT_FIELDS = ("id", "appeal", "author", "submitted_at", "decided_by",
                       "decided_at", "remarks", "reasons", "until", "is_approved")
GRANT_FIELDS = ("id", "user", "permission", "content_object")


@dataclass(frozen=True)
class GeneratedMessage:
    """What a plugin's `messages_generated` gets of each new message."""

    id: int
    number: str
    status: str
    created_at: datetime
    organisation_id: int
    executor_id: int | None
    deadline: datetime | None
    answer_id: int | None  # the published answer, if any
    answered_at: datetime | None


@dataclass
class GeneratedBatch:
    """One batch, as `messages_generated` receives it: the messages just written, a
    random generator of its own (seeded: use only this one), the writer the plugin
    writes its rows with (`reserve` ids, `write` rows), the end of the span (nothing
    happens after it) and the region's active staff by role (user ids)."""

    messages: list[GeneratedMessage]
    rng: random.Random
    writer: TableWriter
    end: datetime
    staff: dict[str, list[int]] = field(default_factory=dict)


def write_batch(job: Job, first_index: int, size: int, rng: random.Random,
                writer: TableWriter) -> list[GeneratedMessage]:
    """Tell `size` stories (Python only), then write them: ids are reserved only once
    the rows are ready, so the tables stay locked for the writing alone."""
    region, pools, end, prefix = job.region, job.pools, job.end, job.prefix
    teller = Teller(rng, end, organisations=pools.organisations, codes=pools.codes,
                    names=pools.names, staff=pools.staff)
    subcategories = rng.choices(pools.subcategories, cum_weights=pools.subcategory_weights,
                                k=size)
    territories = rng.choices(pools.territories, cum_weights=pools.territory_weights,
                              k=size)
    places = rng.choices(pools.places, cum_weights=pools.place_weights, k=size)
    channels = rng.choices([channel for channel, _ in stories.CHANNELS],
                           [weight for _, weight in stories.CHANNELS], k=size)
    span = job.days * 86400
    lives: list[tuple[str, Story, stories.Subcategory, int, str, str, bool]] = []
    for i in range(size):
        sub = subcategories[i]
        addressee = (pools.addressee[sub.pk] if rng.random() < USUAL_ADDRESSEE_SHARE
                     else rng.choice(pools.organisations))
        created = end - timedelta(seconds=int(span * rng.random() ** AGE_SKEW) + 1)
        fast = rng.random() < stories.FAST_TRACK_SHARE
        story = teller.tell(created, sub, addressee, fast, channels[i])
        text = f"{sub.problem}: {places[i]}. {rng.choice(stories.TAILS)}".strip()
        lives.append((f"{prefix}{first_index + i:07d}", story, sub, territories[i],
                      places[i], text, fast))

    first = writer.reserve(Appeal, size)
    appeal_rows, event_rows, answers, postponements, grants = [], [], [], [], []
    for i, (number, story, sub, territory, place, text, fast) in enumerate(lives):
        pk = first + i
        channel = channels[i]
        appeal_rows.append((
            pk, str(uuid.UUID(int=rng.getrandbits(128), version=4)), number, region.pk,
            channel, story.organisation if channel == Channel.WIDGET else None, None, {},
            sub.category, sub.pk, territory, place, text, {}, story.organisation,
            story.executor, story.status, story.deadline, fast, story.is_overdue(end),
            story.postponed_until, story.created_at, story.updated_at or story.created_at,
            story.version))
        for event in story.events:
            to_value = number if event.kind == "registered" else event.to_value
            event_rows.append((pk, event.kind, event.actor, event.at, event.from_value,
                               to_value, event.reason, event.data, event.public))
        # An answer needs an author: a region without staff gets none.
        if story.answer and (story.answer[2] or story.answer[3]):
            answers.append((pk, story))
        if story.postponement:
            postponements.append((pk, story.postponement))
        if story.executor and story.status in ASSIGNED_STATUSES:
            grants.append((story.executor, job.permission, pk))
    writer.write(Appeal, APPEAL_FIELDS, appeal_rows)

    first_event = writer.reserve(AppealEvent, len(event_rows))
    writer.write(AppealEvent, EVENT_FIELDS,
                 ((first_event + i, *row) for i, row in enumerate(event_rows)))
    first_answer = writer.reserve(Answer, len(answers))
    answer_ids = {}
    answer_rows = []
    for i, (pk, story) in enumerate(answers):
        submitted, decided, author, head, text = story.answer
        answer_ids[pk] = first_answer + i
        answer_rows.append((first_answer + i, pk, author or head, submitted, head, decided,
                            "", text, decided is not None, decided))
    writer.write(Answer, ANSWER_FIELDS, answer_rows)
    first_postponement = writer.reserve(Postponement, len(postponements))
    writer.write(Postponement, POSTPONEMENT_FIELDS, [
        (first_postponement + i, pk, author, submitted, head, decided, "", reasons, until,
         approved)
        for i, (pk, (submitted, decided, author, head, reasons, until, approved))
        in enumerate(postponements) if author])
    first_grant = writer.reserve(AppealUserObjectPermission, len(grants))
    writer.write(AppealUserObjectPermission, GRANT_FIELDS,
                 ((first_grant + i, *row) for i, row in enumerate(grants)))

    published = {pk: story.answer[1] for pk, story in answers if story.answer[1]}
    return [
        GeneratedMessage(
            id=first + i, number=number, status=story.status, created_at=story.created_at,
            organisation_id=story.organisation, executor_id=story.executor,
            deadline=story.deadline,
            answer_id=answer_ids[first + i] if (first + i) in published else None,
            answered_at=published.get(first + i))
        for i, (number, story, *_rest) in enumerate(lives)]
