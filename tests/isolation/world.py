"""Two regions with the same kinds of rows, and staff of every role in each: what the
isolation tests try across. Each region gets a message in every status, one overdue, one
filed through the API, one answered and rated low (a review for the curators), a file,
an outbox row and audit records (from the workflow's own write paths)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import Appeal, Attachment, AttachmentKind, Channel, Region, Role, Status
from cms.workflow import actions
from tests import two_regions
from tests.workflow.builders import citizen, message

ROLES = (Role.EDITOR, Role.MODERATOR, Role.COORDINATOR, Role.EXECUTOR, Role.HEAD,
         Role.CURATOR)


@dataclass
class RegionWorld:
    region: Region
    staff: dict[Role, object]
    appeals: list[Appeal] = field(default_factory=list)
    attachment: Attachment | None = None

    @property
    def numbers(self) -> set[str]:
        return {appeal.number for appeal in self.appeals}


def populate(region: Region) -> RegionWorld:
    staff = {role: two_regions.staff(region, role) for role in ROLES}
    author = citizen(f"citizen-{region.code}", email=f"citizen@{region.code}.example")
    world = RegionWorld(region=region, staff=staff)
    executor = staff[Role.EXECUTOR]
    for status in Status:
        assigned = status in (Status.IN_WORK, Status.ON_APPROVAL, Status.POSTPONED)
        world.appeals.append(message(status, region=region, territory_code="gorsk",
                                     executor=executor if assigned else None,
                                     author=author))
    world.appeals.append(message(Status.IN_WORK, region=region, territory_code="gorsk",
                                 executor=executor, author=author,
                                 deadline=timezone.now() - timedelta(days=2)))
    world.appeals.append(message(Status.ON_MODERATION, region=region,
                                 territory_code="gorsk", author=author,
                                 channel=Channel.API))
    approved = message(Status.ON_APPROVAL, region=region, territory_code="gorsk",
                       executor=executor, author=author)
    answer = actions.do_approve_answer(approved.pk, staff[Role.HEAD])
    world.appeals.append(approved)
    from plugins.rating.models import Solved
    from plugins.rating.services import rate

    rate(answer, 1, comment="Ничего не сделано", solved=Solved.NO, by=author)
    world.attachment = Attachment.objects.create(
        appeal=world.appeals[0], kind=AttachmentKind.CITIZEN, file="isolation/photo.jpg",
        original_name="photo.jpg", content_type="image/jpeg", size=1)
    for appeal in world.appeals:
        appeal.refresh_from_db()
    return world


def superuser():
    User = get_user_model()
    found = User.objects.filter(username="isolation-root").first()
    return found or User.objects.create_superuser("isolation-root", "root@example.org",
                                                  "pw")
