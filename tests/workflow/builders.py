"""Builders for processing tests: the demo's staff, and messages put straight into a status.

`message(...)` writes the row directly (test setup, not a workflow path) so that any cell
of the table can be tried; everything under test goes through `cms.workflow.actions`.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from cms.models import (
    Answer,
    Appeal,
    Clarification,
    Organisation,
    Postponement,
    Region,
    Role,
    Status,
    Territory,
)
from cms.permissions.grants import grant_executor, grant_role
from tests import factories

DEMO_STAFF = ("moderator", "coordinator", "executor", "head", "curator", "editor")


def demo_staff() -> dict[str, object]:
    User = get_user_model()
    return {user.username: user for user in User.objects.filter(username__in=DEMO_STAFF)}


def fresh(user):
    """The user re-read, without roles remembered by the permission policy."""
    return get_user_model().objects.get(pk=user.pk)


def citizen(username="citizen-1", email="citizen@example.org"):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    return user or factories.user(username, email=email, first_name="Иван",
                                  last_name="Петров")


def staff_member(username: str, organisation_code: str, role: Role, region=None):
    user = get_user_model().objects.filter(username=username).first()
    user = user or factories.user(username, email=f"{username}@example.org")
    grant_role(user, factories.organisation(organisation_code, region), role)
    return fresh(user)


def other_region() -> Region:
    """A second region with one organisation and one territory."""
    region, _ = Region.objects.get_or_create(code="other", defaults={"name": "Другая область"})
    if not Territory.objects.filter(region=region).exists():
        Territory.add_root(region=region, code="other", name="Другая область", kind="region")
    Organisation.objects.get_or_create(region=region, code="other-org",
                                       defaults={"name": "Другая организация", "kind": "roiv"})
    return region


def message(status=Status.ON_MODERATION, organisation_code="adm-gorsk", region=None,
            executor=None, author=None, territory_code=None, **fields) -> Appeal:
    """A message in `status`, with what that status implies (an open question, a
    pending draft, a postponement date)."""
    region = region or factories.demo_region()
    territory_code = territory_code or ("gorsk" if region.code == "demo" else region.code)
    author = author or citizen()
    # The factory sets these itself; they are written after it (test setup only).
    overrides = {key: fields.pop(key) for key in ("deadline", "text") if key in fields}
    appeal = factories.appeal(
        region=region, organisation_code=organisation_code, territory_code=territory_code,
        status=status, executor=executor, citizen=author,
        citizen_snapshot={"full_name": author.get_full_name(), "email": author.email},
        **fields,
    )
    if overrides:
        Appeal.objects.filter(pk=appeal.pk).update(**overrides)
        appeal.refresh_from_db()
    if executor is not None:
        grant_executor(appeal, executor)
    now = timezone.now()
    if status == Status.WAITING_FOR_CITIZEN:
        Clarification.objects.create(appeal=appeal, question="Какой дом?",
                                     asked_by=author, asked_at=now - timedelta(days=4),
                                     due_at=now - timedelta(days=1))
    if status == Status.ON_APPROVAL:
        Answer.objects.create(appeal=appeal, author=executor or author, text="Отремонтируем.")
    if status == Status.POSTPONED:
        appeal.postponed_until = now - timedelta(hours=1)
        appeal.save(update_fields=["postponed_until"])
    return appeal


def pending_postponement(appeal) -> Postponement:
    Answer.objects.filter(appeal=appeal, decided_at__isnull=True).delete()
    return Postponement.objects.create(appeal=appeal, author=appeal.executor or appeal.citizen,
                                       reasons="Нужен сезон", until=timezone.now()
                                       + timedelta(days=10))


def snapshot(appeal) -> tuple:
    """What a refused action must leave unchanged."""
    row = Appeal.objects.annotate(event_count=Count("events")).get(pk=appeal.pk)
    return (row.status, row.version, row.organisation_id, row.executor_id,
            row.subcategory_id, row.deadline, row.event_count)
