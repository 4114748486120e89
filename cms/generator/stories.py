"""What happens to one generated message: the distributions, in one place.

A message gets its whole life first (moderation, perhaps a question to the citizen or a
rejection, redirects, the executor, perhaps a postponement, the answer on time or late,
closing), each step at a time drawn from the region's terms; then the life is cut at the
end of the span: the steps after it have not happened yet. So old messages are mostly
closed, recent ones still in work, and "overdue" is what a running message past its
deadline at the end is, exactly as the sweep would have marked it.

Pure Python over a `random.Random`: the same seed and pools give the same stories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cms.models import Channel, EventKind, Status
from cms.models.appeals import RUNNING_STATUSES

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# --- the shares (what a region that has run for a few years looks like) -------------
REJECTED_SHARE = 0.06  # rejected at moderation (spam, not a problem of the region)
QUESTION_SHARE = 0.04  # a clarifying question to the citizen...
UNANSWERED_QUESTION_SHARE = 0.3  # ...left unanswered: rejected after the term
REDIRECT_SHARE = 0.12  # the first addressee sends it back: not theirs
SECOND_REDIRECT_SHARE = 0.2  # of those redirected, once more
POSTPONED_SHARE = 0.06  # the executor proposes a later date and the head approves
LATE_SHARE = 0.2  # answered after the deadline...
STUCK_SHARE = 0.2  # ...of which some long after (mean days late: 7, stuck ones 45)
RETURNED_SHARE = 0.08  # the head returns the draft once before approving
FAST_TRACK_SHARE = 0.1
FAST_TRACK_DAYS = 5
CHANNELS = ((Channel.PORTAL, 80), (Channel.WIDGET, 15), (Channel.API, 5))

# Texts: a problem phrase per subcategory (by its position) and a place, so messages
# about one place and subcategory read alike (the similar-messages groups), with a tail
# that varies.
PROBLEMS = (
    "Яма на проезжей части",
    "Не горят фонари уличного освещения",
    "Не вывозят мусор с контейнерной площадки",
    "Нет горячей воды",
    "Сломаны качели на детской площадке",
    "Не убран снег во дворе",
    "Течёт крыша в подъезде",
    "Разбит тротуар",
    "Не работает светофор",
    "Автобус не соблюдает расписание",
    "Сломан лифт",
    "Подтопление подвала",
    "Незаконная торговля на тротуаре",
    "Упавшее дерево перекрыло проход",
    "Открытый люк на дороге",
    "Граффити на фасаде дома",
    "Брошенный автомобиль во дворе",
    "Не работает уличный фонтан",
    "Шум от ночных работ",
    "Отсутствует пешеходный переход у школы",
)
TAILS = (
    "Прошу принять меры.",
    "Проблема уже давно, жители жалуются.",
    "Очень опасно для детей.",
    "Прошу устранить как можно скорее.",
    "Обращаюсь повторно.",
    "Фото прилагаю.",
    "Ситуация повторяется каждую неделю.",
    "",
)
STREETS = (
    "Ленина", "Мира", "Садовая", "Советская", "Молодёжная", "Школьная", "Лесная",
    "Набережная", "Гагарина", "Победы", "Пушкина", "Центральная", "Заводская",
    "Октябрьская", "Строителей", "Кирова", "Полевая", "Речная", "Чехова", "Некрасова",
)
HOUSES = 150
ANSWER_TEXTS = (
    "Работы выполнены.",
    "Нарушение устранено, территория приведена в порядок.",
    "Работы включены в план текущего ремонта и будут выполнены в срок.",
    "Проведена проверка, нарушений не выявлено.",
)
POSTPONE_REASONS = (
    "Работы возможны только при плюсовой температуре.",
    "Требуется закупка материалов.",
    "Необходимо согласование с собственником.",
)


def zipf_weights(count: int, exponent: float = 0.9) -> list[float]:
    """Cumulative weights: a few items take most draws, as complaints do."""
    total, cumulative = 0.0, []
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


@dataclass(frozen=True)
class Subcategory:
    pk: int
    category: int
    term_days: int  # working days, moderation + work + approval
    problem: str


@dataclass
class Event:
    kind: str
    at: datetime
    actor: int | None
    from_value: str = ""
    to_value: str = ""
    reason: str = ""
    data: dict = field(default_factory=dict)
    public: bool = False


@dataclass
class Story:
    """One message as it stands at the end of the span, with what led there."""

    created_at: datetime
    status: str = Status.ON_MODERATION
    organisation: int = 0
    executor: int | None = None
    deadline: datetime | None = None
    postponed_until: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[Event] = field(default_factory=list)
    # (submitted_at, decided_at or None, author, head, text): the answer, if drafted.
    answer: tuple | None = None
    # (submitted_at, decided_at or None, author, head, reasons, until, approved)
    postponement: tuple | None = None

    def is_overdue(self, end: datetime) -> bool:
        """What the overdue sweep would have marked by `end`."""
        return (self.status in RUNNING_STATUSES and self.deadline is not None
                and self.deadline < end)


def calendar_term(working_days: int) -> timedelta:
    """Working days as calendar time, roughly: five working days a week."""
    return timedelta(days=working_days * 7 / 5)


class Teller:
    """Tells stories: the pools of one region and the end of the span."""

    def __init__(self, rng: random.Random, end: datetime, *, organisations, codes,
                 names, staff):
        self.rng = rng
        self.end = end
        self.organisations = organisations
        self.codes = codes  # organisation pk -> code
        self.names = names  # organisation pk -> name
        self.staff = staff  # (role, organisation pk or None) -> [user pk]

    def someone(self, role: str, organisation: int | None = None) -> int | None:
        people = (self.staff.get((role, organisation)) or self.staff.get((role, None))
                  or self.staff.get(("any", None)))
        return self.rng.choice(people) if people else None

    def tell(self, created_at: datetime, subcategory: Subcategory, addressee: int,
             fast_track: bool, channel: str) -> Story:
        rng = self.rng
        story = Story(created_at=created_at)
        term = (timedelta(days=FAST_TRACK_DAYS) if fast_track
                else calendar_term(subcategory.term_days))
        story.deadline = created_at + term
        steps: list[tuple[datetime, list[Event], dict]] = []

        def step(at, events, **changes):
            steps.append((at, events, changes))

        def status(at, source, target, action, actor, public=False, reason="", data=None):
            return Event(EventKind.STATUS_CHANGED, at, actor, str(source), str(target),
                         reason, {"action": action, **(data or {})}, public)

        # The first addressee: usually the right one, sometimes not (then redirected).
        redirects = 0
        if rng.random() < REDIRECT_SHARE:
            redirects = 2 if rng.random() < SECOND_REDIRECT_SHARE else 1
        chain = [addressee]
        while len(chain) <= redirects:
            other = rng.choice(self.organisations)
            if other != chain[0]:
                chain.insert(0, other)
        story.organisation = chain[0]
        step(created_at, [
            Event(EventKind.REGISTERED, created_at, None, to_value="", public=True,
                  data={"channel": channel}),
            status(created_at, Status.REGISTERED, Status.ON_MODERATION, "register", None,
                   public=True),
        ], status=Status.ON_MODERATION)

        at = created_at + rng.uniform(0.5, 30) * HOUR
        moderator = self.someone("moderator")
        if rng.random() < QUESTION_SHARE:
            step(at, [status(at, Status.ON_MODERATION, Status.WAITING_FOR_CITIZEN,
                             "ask_citizen", moderator, public=True)],
                 status=Status.WAITING_FOR_CITIZEN)
            if rng.random() < UNANSWERED_QUESTION_SHARE:
                at += 3 * DAY
                step(at, [status(at, Status.WAITING_FOR_CITIZEN, Status.REJECTED,
                                 "expire_clarification", None, public=True)],
                     status=Status.REJECTED)
                return self.cut(story, steps)
            at += rng.uniform(2, 60) * HOUR
            step(at, [status(at, Status.WAITING_FOR_CITIZEN, Status.ON_MODERATION,
                             "answer_clarification", None, public=True)],
                 status=Status.ON_MODERATION)
            at += rng.uniform(0.5, 8) * HOUR
        if rng.random() < REJECTED_SHARE:
            step(at, [status(at, Status.ON_MODERATION, Status.REJECTED, "reject",
                             moderator, public=True, reason="Не относится к компетенции.")],
                 status=Status.REJECTED)
            return self.cut(story, steps)

        for index, organisation in enumerate(chain):
            step(at, [status(at, Status.ON_MODERATION, Status.SENT_TO_ORGANISATION,
                             "pass_on", moderator, public=True,
                             data={"organisation": self.codes[organisation]})],
                 status=Status.SENT_TO_ORGANISATION, organisation=organisation)
            if index == len(chain) - 1:
                break
            # Not theirs: the coordinator sends it back, the moderator passes it on.
            at += rng.uniform(4, 72) * HOUR
            target = chain[index + 1]
            coordinator = self.someone("coordinator", organisation)
            reason = "Вопрос не относится к нашей компетенции."
            step(at, [
                Event(EventKind.ADDRESSEE_CHANGED, at, coordinator,
                      self.names[organisation], self.names[target], reason,
                      {"from": self.codes[organisation], "to": self.codes[target],
                       "redirect": True}),
                status(at, Status.SENT_TO_ORGANISATION, Status.ON_MODERATION, "redirect",
                       coordinator, reason=reason),
            ], status=Status.ON_MODERATION, organisation=target)
            at += rng.uniform(0.5, 24) * HOUR

        organisation = chain[-1]
        at += rng.uniform(1, 48) * HOUR
        executor = self.someone("executor", organisation)
        head = self.someone("head", organisation)
        step(at, [status(at, Status.SENT_TO_ORGANISATION, Status.IN_WORK,
                         "assign_executor", self.someone("coordinator", organisation),
                         data={"executor": executor})],
             status=Status.IN_WORK, executor=executor)
        deadline = story.deadline

        if rng.random() < POSTPONED_SHARE:
            proposed = at + (deadline - at) * rng.uniform(0.2, 0.8)
            approved = proposed + rng.uniform(2, 48) * HOUR
            until = deadline + rng.uniform(7, 30) * DAY
            reasons = rng.choice(POSTPONE_REASONS)
            step(proposed, [status(proposed, Status.IN_WORK, Status.ON_APPROVAL,
                                   "propose_postponement", executor)],
                 status=Status.ON_APPROVAL,
                 postponement=(proposed, None, executor, None, reasons, until, False))
            step(approved, [
                Event(EventKind.DEADLINE_CHANGED, approved, head, deadline.isoformat(),
                      until.isoformat(), "Отложено."),
                status(approved, Status.ON_APPROVAL, Status.POSTPONED,
                       "approve_postponement", head, public=True, reason=reasons,
                       data={"until": until.isoformat()}),
            ], status=Status.POSTPONED, deadline=until, postponed_until=until,
                postponement=(proposed, approved, executor, head, reasons, until, True))
            # Resumed on the date (the sweep) or a few days before it (the executor).
            resumed = max(approved + HOUR, until - rng.choice((0, 0, 2, 5)) * DAY)
            step(resumed, [status(resumed, Status.POSTPONED, Status.IN_WORK, "resume",
                                  executor if resumed < until else None)],
                 status=Status.IN_WORK)
            at, deadline = resumed, until

        # The answer: mostly inside the term, a share after it.
        if rng.random() < LATE_SHARE or deadline <= at + DAY:
            days_late = 45 if rng.random() < STUCK_SHARE else 7
            approved = max(deadline, at) + rng.expovariate(1 / days_late) * DAY + HOUR
        else:
            approved = at + (deadline - at) * rng.uniform(0.15, 0.98)
        submitted = approved - rng.uniform(2, 48) * HOUR
        if submitted < at:
            submitted = at + (approved - at) / 2
        text = rng.choice(ANSWER_TEXTS)
        if rng.random() < RETURNED_SHARE:
            returned = submitted - rng.uniform(1, 4) * DAY
            if returned > at:
                step(returned, [status(returned, Status.IN_WORK, Status.ON_APPROVAL,
                                       "submit_answer", executor)],
                     status=Status.ON_APPROVAL)
                back = returned + rng.uniform(2, 20) * HOUR
                step(back, [status(back, Status.ON_APPROVAL, Status.IN_WORK,
                                   "return_to_executor", head)], status=Status.IN_WORK)
        step(submitted, [status(submitted, Status.IN_WORK, Status.ON_APPROVAL,
                                "submit_answer", executor)],
             status=Status.ON_APPROVAL, answer=(submitted, None, executor, None, text))
        step(approved, [status(approved, Status.ON_APPROVAL, Status.ANSWERED,
                               "approve_answer", head, public=True)],
             status=Status.ANSWERED, answer=(submitted, approved, executor, head, text))
        closed = approved + rng.uniform(1, 14) * DAY
        step(closed, [status(closed, Status.ANSWERED, Status.CLOSED, "close", None,
                             public=True)], status=Status.CLOSED)
        return self.cut(story, steps)

    def cut(self, story: Story, steps) -> Story:
        """The story as far as it has happened by the end of the span."""
        for at, events, changes in steps:
            if at > self.end:
                break
            story.events.extend(events)
            for name, value in changes.items():
                setattr(story, name, value)
            story.updated_at = at
            story.version += sum(1 for event in events if event.kind != EventKind.REGISTERED)
        return story
