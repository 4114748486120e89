"""The core's own staff queues, declared through the `staff_queues` hook like a plugin's.

Each is the work of one role (its grants' scope, narrowed by status), plus the overdue
messages of every handling role and the whole region for curators and moderators.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import StaffQueue
from cms.kernel.plugins import hookimpl
from cms.models import Role, Status
from cms.models.appeals import RUNNING_STATUSES
from cms.permissions.policy import HANDLING_ROLES


def overdue_q(now) -> Q:
    """Running and past the deadline. `is_overdue` is not needed here: every write of a
    deadline sets it to `deadline < now`, and the sweep only sets it once the deadline
    has passed. The partial indexes `appeal_*_overdue` answer this filter."""
    return Q(status__in=RUNNING_STATUSES, deadline__lt=now)


CORE_QUEUES = (
    StaffQueue("moderation", _("On moderation"), frozenset({Role.MODERATOR}),
               frozenset({Status.ON_MODERATION}), icon="help", order=10),
    StaffQueue("inbox", _("Organisation inbox"), frozenset({Role.COORDINATOR}),
               frozenset({Status.SENT_TO_ORGANISATION}), icon="mail", order=20),
    # Only the executor's own work: their scope already means that, but a superuser's
    # scope is every message, and their "mine" is still only what is assigned to them.
    StaffQueue("mine", _("My messages in work"), frozenset({Role.EXECUTOR}),
               frozenset({Status.IN_WORK, Status.POSTPONED}), assigned_only=True,
               icon="edit", order=30),
    StaffQueue("approval", _("On approval"), frozenset({Role.HEAD}),
               frozenset({Status.ON_APPROVAL}), icon="tick-inverse", order=40),
    StaffQueue("overdue", _("Overdue"), HANDLING_ROLES, where=overdue_q, icon="warning",
               order=50),
    # A count in the menu is worth its query for work queues, not for a whole region.
    StaffQueue("region", _("All messages of the region"),
               frozenset({Role.CURATOR, Role.MODERATOR}), icon="list-ul", order=60,
               counted=False),
)


@hookimpl
def staff_queues():
    return list(CORE_QUEUES)
