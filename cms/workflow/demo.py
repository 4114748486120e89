"""Demo messages in every stage, so that each demo role finds its queue with work in it.

Each message is registered through the real write path with a fixed submission key and
then taken through the workflow by the demo staff, exactly as people would do it in the
admin. Running the seeder again finds the keys already used and changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import AppealEvent, EventKind, Organisation, Subcategory, Territory
from cms.submission.registration import NewAppeal, do_register_appeal

from . import actions

NAMESPACE = uuid.UUID("5d1c0c4e-8a51-4c54-9a53-2a8f6c3d9e10")
ORGANISATION = "adm-gorsk"  # where the demo coordinator, executor and head work
CITIZEN = "citizen"


@dataclass(frozen=True)
class DemoMessage:
    key: str
    subcategory: str
    territory: str
    text: str
    address: str
    stage: str


DEMO_MESSAGES = (
    DemoMessage("pothole", "01.01", "gorsk-leninsky",
                "Глубокая яма на проезжей части, машины объезжают по встречной.",
                "ул. Ленина, 14", "moderation"),
    DemoMessage("light", "04.01", "gorsk-zavodskoy",
                "Третью неделю не горят фонари вдоль всей улицы.",
                "ул. Заводская, 3–17", "moderation"),
    DemoMessage("snow", "03.02", "gorsk-oktyabrsky",
                "Во дворе не убран снег, не пройти к подъезду.",
                "ул. Октябрьская, 8", "moderation"),
    DemoMessage("dump", "07.01", "gorsk-zarechny",
                "За гаражами образовалась свалка строительного мусора.",
                "", "question"),
    DemoMessage("bench", "03.08", "gorsk-leninsky",
                "Во дворе сломаны скамейки и урна.", "ул. Мира, 21", "inbox"),
    DemoMessage("playground", "04.03", "gorsk-zavodskoy",
                "На детской площадке сломаны качели, торчат болты.",
                "ул. Заводская, 9", "inbox"),
    DemoMessage("trees", "04.07", "gorsk-oktyabrsky",
                "Сухое дерево нависает над тротуаром у школы.",
                "ул. Школьная, 2", "in_work"),
    DemoMessage("yard-road", "03.01", "gorsk-zarechny",
                "Ямы на внутриквартальном проезде, после дождя не пройти.",
                "ул. Речная, 5", "returned"),
    DemoMessage("graffiti", "04.08", "gorsk-leninsky",
                "Фасад остановки исписан граффити.", "ост. «Площадь Ленина»", "overdue"),
    DemoMessage("grass", "03.10", "gorsk-zavodskoy",
                "Газон во дворе не косили всё лето.", "ул. Цветочная, 4", "approval_answer"),
    DemoMessage("park", "04.05", "gorsk-oktyabrsky",
                "В сквере разбита плитка на главной аллее.", "сквер Победы",
                "approval_postponement"),
    DemoMessage("ads", "04.09", "gorsk-zarechny",
                "На столбах расклеены незаконные объявления.", "ул. Речная, 1–11",
                "answered"),
    DemoMessage("asphalt", "03.11", "gorsk-leninsky",
                "Просим включить двор в программу благоустройства.", "ул. Мира, 30",
                "postponed"),
    DemoMessage("spam", "04.13", "gorsk-zavodskoy",
                "Проверка проверка проверка.", "", "rejected"),
)


def _people():
    User = get_user_model()
    names = ("moderator", "coordinator", "executor", "head", CITIZEN)
    return {user.username: user for user in User.objects.filter(username__in=names)}


def _register(region, message: DemoMessage, citizen):
    subcategory = Subcategory.objects.select_related("category").get(code=message.subcategory)
    territory = Territory.objects.get(region=region, code=message.territory)
    return do_register_appeal(NewAppeal(
        region=region, citizen=citizen, category=subcategory.category,
        subcategory=subcategory, territory=territory, text=message.text,
        address=message.address,
        idempotency_key=uuid.uuid5(NAMESPACE, f"{region.code}:{message.key}"),
    ))


def _to_work(appeal, people, organisation):
    if appeal.organisation_id != organisation.pk:
        actions.do_change_organisation(appeal.pk, people["moderator"], organisation)
    actions.do_pass_on_appeal(appeal.pk, people["moderator"])
    return organisation


def _advance(appeal, stage: str, people, organisation) -> None:
    """Take a freshly registered message to `stage`, as the demo staff."""
    moderator, coordinator = people["moderator"], people["coordinator"]
    executor, head = people["executor"], people["head"]
    now = timezone.now()
    if stage == "moderation":
        return
    if stage == "question":
        actions.do_ask_clarification(appeal.pk, moderator,
                                     "Уточните, пожалуйста, где именно: ближайший дом "
                                     "или ориентир?")
        return
    if stage == "rejected":
        actions.do_reject_appeal(appeal.pk, moderator, "Не является проблемой",
                                 "not_a_problem")
        return
    _to_work(appeal, people, organisation)
    if stage == "inbox":
        return
    actions.do_assign_executor(appeal.pk, coordinator, executor)
    if stage == "in_work":
        return
    if stage == "overdue":
        _demo_overdue(appeal, now)
        return
    if stage in ("returned", "approval_answer", "answered"):
        actions.do_submit_answer(appeal.pk, executor,
                                 "Работы включены в план на ближайшую неделю.")
        if stage == "returned":
            actions.do_return_to_executor(appeal.pk, head,
                                          "Укажите точную дату и приложите фото.")
        elif stage == "answered":
            actions.do_approve_answer(appeal.pk, head)
        return
    if stage in ("approval_postponement", "postponed"):
        actions.do_propose_postponement(appeal.pk, executor,
                                        "Ремонт покрытия возможен только при плюсовой "
                                        "температуре.", now + timedelta(days=20))
        if stage == "postponed":
            actions.do_approve_postponement(appeal.pk, head)


def _demo_overdue(appeal, now) -> None:
    # Demo data only: the deadline is moved into the past (with its event) so the
    # "Overdue" queue has something in it on a fresh install.
    old = appeal.deadline
    type(appeal).objects.filter(pk=appeal.pk).update(deadline=now - timedelta(days=2),
                                                     is_overdue=True)
    AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.DEADLINE_CHANGED,
        from_value=old.isoformat() if old else "",
        to_value=(now - timedelta(days=2)).isoformat(),
        reason="Демо-данные: срок перенесён в прошлое, чтобы показать просрочку.",
    )


def seed_demo_messages(region) -> int:
    """Register and advance the demo messages of `region`; returns how many were new."""
    people = _people()
    organisation = Organisation.objects.get(region=region, code=ORGANISATION)
    created_count = 0
    for message in DEMO_MESSAGES:
        appeal, created = _register(region, message, people[CITIZEN])
        if not created:
            continue
        _advance(appeal, message.stage, people, organisation)
        created_count += 1
    return created_count
