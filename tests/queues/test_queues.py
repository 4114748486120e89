"""The staff queues: who sees which, in what order, and at what cost in queries."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Appeal, AppealUserObjectPermission, Role, Status
from cms.staff_admin import queues
from tests import factories
from tests.plans import drop_appeal_indexes_except
from tests.workflow.builders import citizen, demo_staff, fresh, message, staff_member

QUEUE_USERS = {
    "moderation": ("moderator", Status.ON_MODERATION, "cur"),
    "inbox": ("coordinator", Status.SENT_TO_ORGANISATION, "adm-gorsk"),
    "mine": ("executor", Status.IN_WORK, "adm-gorsk"),
    "approval": ("head", Status.ON_APPROVAL, "adm-gorsk"),
    "overdue": ("head", Status.IN_WORK, "adm-gorsk"),
    "region": ("curator", Status.ANSWERED, "uad"),
}


def bulk_messages(count, status, organisation_code, executor=None, overdue=False):
    """Many messages at once (a queue's worth), with executor grants when given."""
    sub = factories.subcategory("01.01")
    author = citizen()
    now = timezone.now()
    organisation = factories.organisation(organisation_code)
    territory = factories.territory("gorsk")
    start = Appeal.objects.count()
    rows = Appeal.objects.bulk_create([
        Appeal(number=f"Q-{start + i:06d}", region=organisation.region, category=sub.category,
               subcategory=sub, territory=territory, organisation=organisation, status=status,
               citizen=author, executor=executor, text=f"Сообщение {i}",
               is_fast_track=(i % 7 == 0),
               deadline=now + timedelta(days=(-1 if overdue else 1) * (i + 1)))
        for i in range(count)
    ])
    if executor is not None:
        permission = Permission.objects.get(codename="execute_appeal")
        AppealUserObjectPermission.objects.bulk_create([
            AppealUserObjectPermission(user=executor, permission=permission,
                                       content_object=row) for row in rows])
    return rows


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("queue", list(QUEUE_USERS))
def test_a_list_page_costs_the_same_for_5_and_50_messages(queue, client, demo):
    username, status, organisation = QUEUE_USERS[queue]
    user = demo_staff()[username]
    executor = user if queue == "mine" else None
    client.force_login(user)
    url = f"/admin/queues/{queue}/"
    bulk_messages(5, status, organisation, executor, overdue=queue == "overdue")
    client.get(url)  # warm the per-process caches (content types, plugin manager)
    few, page = queries_for(client, url)
    assert page.count('href="/admin/messages/') >= 5
    bulk_messages(45, status, organisation, executor, overdue=queue == "overdue")
    many, page = queries_for(client, url)
    assert page.count("/admin/messages/") >= 50
    assert few == many, f"{queue}: {few} queries for 5 messages, {many} for 50"


def test_fast_tracks_first_then_the_nearest_deadline(client, demo):
    client.force_login(demo_staff()["moderator"])
    now = timezone.now()
    late = message(Status.ON_MODERATION, "cur", deadline=now + timedelta(days=9))
    soon = message(Status.ON_MODERATION, "cur", deadline=now + timedelta(days=2))
    fast = message(Status.ON_MODERATION, "cur", deadline=now + timedelta(days=5),
                   is_fast_track=True)
    overdue = message(Status.ON_MODERATION, "cur", deadline=now - timedelta(hours=5))
    page = client.get("/admin/queues/moderation/").content.decode()
    positions = [page.index(f">{m.number}<") for m in (fast, overdue, soon, late)]
    assert positions == sorted(positions)
    row = page[page.index(f">{overdue.number}<"):]
    assert "color:#cd4444" in row[:row.index("</tr>")]
    assert "⚡" in page[page.index(f">{fast.number}<"):][:200]


def test_each_role_sees_its_queues_with_counts(client, demo):
    staff = demo_staff()
    message(Status.ON_MODERATION, "cur")
    message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    for username, shown, hidden in [
        ("moderator", ["На модерации (1)", "Все сообщения региона"],
         ["Входящие организации", "На согласовании"]),
        ("coordinator", ["Входящие организации (1)", "Просрочено"],
         ["На модерации", "Все сообщения региона"]),
        ("executor", ["Мои в работе"], ["Входящие организации"]),
        ("head", ["На согласовании"], ["На модерации"]),
        ("curator", ["Все сообщения региона", "Просрочено"],
         ["Входящие организации", "Все сообщения региона ("]),
    ]:
        client.force_login(staff[username])
        menu = client.get("/admin/").content.decode().encode().decode("unicode_escape")
        for label in shown:
            assert label in menu, (username, label)
        for label in hidden:
            assert label not in menu, (username, label)
        inbox = client.get("/admin/queues/inbox/")
        if username == "coordinator":
            assert inbox.status_code == 200
        else:
            # Wagtail turns the refusal into a redirect with a message.
            assert inbox.status_code in (302, 403)


def test_a_long_queue_is_counted_up_to_a_cap_in_the_menu(client, demo, monkeypatch):
    monkeypatch.setattr(queues, "MENU_COUNT_CAP", 2)
    client.force_login(demo_staff()["moderator"])
    for expected in ("На модерации (1)", "На модерации (2)", "На модерации (2+)"):
        message(Status.ON_MODERATION, "cur")
        menu = client.get("/admin/").content.decode().encode().decode("unicode_escape")
        assert expected in menu


def test_a_coordinator_never_sees_another_organisations_message(client, demo):
    ours = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    theirs = message(Status.SENT_TO_ORGANISATION, "uad")
    client.force_login(demo_staff()["coordinator"])
    page = client.get("/admin/queues/inbox/").content.decode()
    assert f">{ours.number}<" in page and f">{theirs.number}<" not in page
    assert client.get(f"/admin/messages/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/messages/{ours.pk}/").status_code == 200
    search = client.get("/admin/queues/inbox/", {"q": theirs.number}).content.decode()
    assert f">{theirs.number}<" not in search


def test_filters_search_and_no_free_form_lookups(client, demo):
    client.force_login(fresh(demo_staff()["curator"]))
    pothole = message(Status.IN_WORK, "adm-gorsk", text="Глубокая яма у школы")
    other = message(Status.IN_WORK, "uad", text="Не горит фонарь")
    url = "/admin/queues/region/"
    by_text = client.get(url, {"q": "яма у школы"}).content.decode()
    assert f">{pothole.number}<" in by_text and f">{other.number}<" not in by_text
    by_number = client.get(url, {"q": other.number.split("-")[-1]}).content.decode()
    assert f">{other.number}<" in by_number
    by_org = client.get(url, {"organisation": other.organisation_id}).content.decode()
    assert f">{other.number}<" in by_org and f">{pothole.number}<" not in by_org
    # A lookup no filter offers is ignored, never applied to the query.
    leaked = client.get(url, {"citizen__password__startswith": "x"}).content.decode()
    assert f">{pothole.number}<" in leaked and f">{other.number}<" in leaked


def test_an_export_is_audited(client, demo):
    from cms.models import AuditKind, AuditRecord

    message(Status.ON_MODERATION, "cur")
    client.force_login(demo_staff()["moderator"])
    response = client.get("/admin/queues/moderation/", {"export": "csv"},
                          REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 200
    record = AuditRecord.objects.get(kind=AuditKind.EXPORT)
    assert (record.what, record.address, record.data["count"]) == ("moderation.csv",
                                                                  "10.2.2.2", 1)


@pytest.mark.parametrize("username, index", [("moderator", "appeal_region_overdue"),
                                             ("head", "appeal_org_overdue")])
def test_the_overdue_count_reads_its_partial_index(demo, username, index):
    from cms.staff_admin.queues import registered_queues

    overdue = next(queue for queue in registered_queues() if queue.key == "overdue")
    counted = overdue.queryset(fresh(demo_staff()[username])).values("pk")
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # On a test-sized table every index on region_id ties on cost, and the planner's
        # pick among equals is not stable: only the predicate may decide.
        drop_appeal_indexes_except(cursor, lambda name, definition: name == index)
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_the_executors_overdue_count_starts_from_their_own_messages(demo):
    """Not from every grant they ever held joined to all messages (a sequential scan
    of a million rows on every admin page, for the menu's count)."""
    from cms.staff_admin.queues import registered_queues

    overdue = next(queue for queue in registered_queues() if queue.key == "overdue")
    counted = overdue.queryset(fresh(demo_staff()["executor"])).values("pk")
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Only the indexes that could start from the executor compete; and with a handful
        # of grants, looking each granted message up by primary key looks cheapest, so no
        # nested loop: the messages' side must then find its rows by its own condition.
        cursor.execute("SET LOCAL enable_nestloop = off")
        drop_appeal_indexes_except(cursor, lambda name, definition: "executor_id" in definition)
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The messages are reached through an index condition on their executor, as an index
    # scan or a bitmap scan (the planner picks either, by the table's statistics).
    lines = plan.splitlines()
    appeal_scans = [lines[i + 1] for i, line in enumerate(lines[:-1])
                    if " on cms_appeal " in line and ("Index" in line or "Bitmap" in line)]
    assert any("executor_id = " in condition and "Cond" in condition
               for condition in appeal_scans), plan


@pytest.mark.parametrize("term, indexes", [
    ("яма у школы", {"appeal_text_trgm"}),
    ("12345", {"appeal_text_trgm", "appeal_number_trgm"}),
])
def test_the_search_reads_trigram_indexes(demo, term, indexes):
    """Words inside the text and a number's last digits: no b-tree answers these."""
    from cms.staff_admin.queues import NumberOrTextSearch

    found = NumberOrTextSearch(search_fields=()).search_queryset(
        Appeal.objects.all(), term).values("pk")
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert all(index in plan for index in indexes), plan


def test_my_messages_in_work_are_those_assigned_to_me(client, demo):
    from guardian.shortcuts import assign_perm

    executor = demo_staff()["executor"]
    colleague = staff_member("executor-2", "adm-gorsk", Role.EXECUTOR)
    mine = message(Status.IN_WORK, executor=executor)
    theirs = message(Status.IN_WORK, executor=colleague)
    # A grant left over from elsewhere gives nothing: the executor's grant counts on the
    # message assigned to them, in the lists and on the message's page alike.
    assign_perm("execute_appeal", executor, theirs)
    client.force_login(executor)
    for queue in ("mine", "overdue"):
        page = client.get(f"/admin/queues/{queue}/").content.decode()
        assert f"/admin/messages/{theirs.pk}/" not in page
    assert f"/admin/messages/{mine.pk}/" in client.get("/admin/queues/mine/").content.decode()
    assert client.get(f"/admin/messages/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/messages/{mine.pk}/").status_code == 200

