"""The staff dashboard on /admin/: each of the user's queues with its count, how many
of its messages are overdue and how many are due today, each number a link to the
queue (filtered).

Built from the registered queues (`queues.registered_queues`: the core's and every
plugin's), so a plugin's queue appears here as it appears in the menu. A queue costs one
aggregate query whatever its size; a region-wide list (`counted=False`) is a link only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cms.models.appeals import RUNNING_STATUSES

from .branding import admin_brand
from .core_queues import overdue_q
from .queues import Queue, registered_queues


@dataclass(frozen=True)
class QueueSummary:
    queue: Queue
    url: str
    count: int | None = None
    overdue: int | None = None
    due_today: int | None = None
    overdue_url: str = ""
    due_today_url: str = ""


def today_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Today in the active time zone (the region's, for its staff)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(timezone.localtime(now, tz).date(), dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def summarise(queue: Queue, user, now: dt.datetime) -> QueueSummary:
    url = f"{reverse('wagtailadmin_home')}queues/{queue.key}/"
    if not queue.counted:
        return QueueSummary(queue, url)
    start, end = today_bounds(now)
    day = start.date().isoformat()
    figures = queue.queryset(user).aggregate(
        count=Count("pk"),
        overdue=Count("pk", filter=overdue_q(now)),
        due_today=Count("pk", filter=Q(status__in=RUNNING_STATUSES, deadline__gte=start,
                                       deadline__lt=end)),
    )
    return QueueSummary(
        queue, url, **figures,
        overdue_url=f"{url}?{urlencode({'overdue': 'yes'})}",
        due_today_url=f"{url}?{urlencode({'deadline_from': day, 'deadline_to': day})}")


def queue_summaries(user, now: dt.datetime | None = None) -> list[QueueSummary]:
    """The user's queues in menu order, each summed up in one query."""
    now = now or timezone.now()
    return [summarise(queue, user, now) for queue in registered_queues()
            if queue.is_shown_to(user)]


class QueuesPanel(Component):
    """The dashboard's panel: the queues of the user's roles."""

    name = "pos_queues"
    order = 10
    template_name = "staff_admin/dashboard.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        now = timezone.now()
        return {
            "title": _("Your queues"),
            "brand": admin_brand(self.request),
            "summaries": queue_summaries(self.request.user, now),
        }
