"""The demo: every role finds its queue with messages in it, and seeding twice adds none."""

from cms.models import Appeal, Status
from cms.staff_admin.queues import registered_queues
from cms.workflow.demo import DEMO_MESSAGES, seed_demo_messages
from tests.workflow.builders import citizen, demo_staff, fresh

ROLE_QUEUES = {
    "moderator": ["moderation", "region"],
    "coordinator": ["inbox", "overdue"],
    "executor": ["mine", "overdue"],
    "head": ["approval", "overdue"],
    "curator": ["region", "overdue"],
}


def test_every_role_finds_work_and_seeding_twice_adds_nothing(demo):
    citizen("citizen", "citizen@demo-oblast.example")
    assert seed_demo_messages(demo) == len(DEMO_MESSAGES)
    count = Appeal.objects.filter(region=demo).count()
    assert seed_demo_messages(demo) == 0
    assert Appeal.objects.filter(region=demo).count() == count

    queues = {queue.key: queue for queue in registered_queues()}
    staff = demo_staff()
    for username, keys in ROLE_QUEUES.items():
        for key in keys:
            assert queues[key].queryset(fresh(staff[username])).exists(), (username, key)
    statuses = set(Appeal.objects.filter(region=demo).values_list("status", flat=True))
    assert {Status.ON_MODERATION, Status.WAITING_FOR_CITIZEN, Status.SENT_TO_ORGANISATION,
            Status.IN_WORK, Status.ON_APPROVAL, Status.ANSWERED, Status.POSTPONED,
            Status.REJECTED} <= statuses
