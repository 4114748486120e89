"""A queue's column may read what no relation of a message reaches (a row of a plugin's
own table pointing at the message) from `QueueColumn.annotations`: the list adds them to
its one query."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test import RequestFactory

from cms.kernel.hookspecs import QueueColumn, StaffQueue
from cms.kernel.plugins import hookimpl
from cms.models import AppealEvent, EventKind, Role, Status
from cms.staff_admin.queues import queue_admin, registered_queues
from cms.workflow.actions import do_add_comment
from tests.queues.test_declarations import manager_with
from tests.workflow.builders import demo_staff, message


def comment_count() -> dict:
    comments = (AppealEvent.objects.filter(appeal_id=OuterRef("pk"), kind=EventKind.COMMENT)
                .order_by().values("appeal_id").annotate(count=Count("pk")).values("count"))
    return {"comment_count": Coalesce(Subquery(comments), 0)}


class Commented:
    @hookimpl
    def staff_queues(self):
        column = QueueColumn("comments", "Comments", lambda appeal: appeal.comment_count,
                             ordering="comment_count", annotations=comment_count)
        return [StaffQueue("commented", "Commented", frozenset({Role.CURATOR}),
                           frozenset({Status.IN_WORK}), columns=(column,))]


def test_a_columns_annotations_come_with_the_lists_rows(demo, django_assert_num_queries):
    queue = next(queue for queue in registered_queues(manager_with(Commented()))
                 if queue.key == "commented")
    curator = demo_staff()["curator"]
    talked_about, quiet = message(Status.IN_WORK), message(Status.IN_WORK)
    for text in ("Первый", "Второй"):
        do_add_comment(talked_about.pk, curator, text)
    request = RequestFactory().get("/admin/queues/commented/")
    request.user = curator
    listing = queue_admin(queue)()
    [cell] = listing.queue_cells
    rows = list(listing.get_queryset(request).filter(pk__in=[talked_about.pk, quiet.pk]))
    with django_assert_num_queries(0):
        counts = {row.pk: cell(row) for row in rows}
    assert counts == {talked_about.pk: 2, quiet.pk: 0}
