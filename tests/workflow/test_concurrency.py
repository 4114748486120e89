"""Two staff act on one message at the same moment, on a real PostgreSQL database: the row
lock serialises them, exactly one wins, one event and one notification are written, and
the other is told who changed the message."""

import threading

import pytest
from django.db import connection

from cms.models import AppealEvent, EventKind, Notification, Status
from cms.workflow import actions
from cms.workflow.errors import StaleVersion, WorkflowError
from tests.workflow.builders import fresh, message, staff_member

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")


def race(*attempts):
    """Run the attempts in threads released together; returns their outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = attempt()
        except WorkflowError as error:
            outcomes[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_moderators_at_once(demo):
    first = staff_member("race.moderator1", "cur", "moderator")
    second = staff_member("race.moderator2", "cur", "moderator")
    appeal = message(Status.ON_MODERATION)
    opened = appeal.version

    outcomes = race(
        lambda: actions.do_pass_on_appeal(appeal.pk, fresh(first), version=opened),
        lambda: actions.do_reject_appeal(appeal.pk, fresh(second), "Не проблема",
                                         version=opened),
    )

    won = [o for o in outcomes if not isinstance(o, WorkflowError)]
    lost = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], StaleVersion)
    winner = first if outcomes[0] is won[0] else second
    assert (winner.get_full_name() or winner.username) in str(lost[0])
    appeal.refresh_from_db()
    assert appeal.version == opened + 1
    assert appeal.status in (Status.SENT_TO_ORGANISATION, Status.REJECTED)
    changes = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.STATUS_CHANGED)
    assert changes.count() == 1
    # Passing on tells adm-gorsk's one coordinator; rejecting tells the citizen.
    assert Notification.objects.filter(appeal=appeal).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_action_twice_at_once(demo):
    coordinator = staff_member("race.coordinator", "adm-gorsk", "coordinator")
    executor = staff_member("race.executor", "adm-gorsk", "executor")
    appeal = message(Status.SENT_TO_ORGANISATION)

    outcomes = race(*[
        (lambda: actions.do_assign_executor(appeal.pk, fresh(coordinator), executor,
                                            version=appeal.version))
        for _ in range(2)
    ])

    assert sum(isinstance(o, StaleVersion) for o in outcomes) == 1
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK and appeal.executor == executor
    assert AppealEvent.objects.filter(appeal=appeal,
                                      kind=EventKind.EXECUTOR_CHANGED).count() == 1
    assert Notification.objects.filter(appeal=appeal, recipient=executor).count() == 1
