"""The citizen's submit path (issue 17): its statements, and every per-process cache it
reads (`cms.submission.region_cache`, `cms.portal.page_routing`) seeing a change made
through the admin's own views, or through `load_region`, on the very next request."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import Appeal, EventKind, Notification, Organisation, Subcategory
from cms.notifications.workflow import notify_transition
from cms.portal import page_routing
from cms.regionconfig.loader import load_region_folder
from cms.submission import region_cache, registration
from cms.submission.models import RateCounter
from plugins.fasttrack.deadlines import plan_deadline
from plugins.fasttrack.models import CalendarAmendment
from tests import factories
from tests.portal import conftest as portal_conftest
from tests.portal.conftest import valid_post

# The portal tests' fixtures: the demo pages, a logged-in citizen, fresh rate limits.
_fresh_rate_limits = portal_conftest._fresh_rate_limits
attachments_dir = portal_conftest.attachments_dir
citizen = portal_conftest.citizen
citizen_client = portal_conftest.citizen_client
general = portal_conftest.general
portal = portal_conftest.portal

# How a citizen is logged in after the OpenID Connect callback (the bench's session
# too): this backend reads the citizen's profile with the user.
OIDC_BACKEND = "cms.accounts.backends.CitizenOIDCBackend"
# The bench's choice (pos_benchmark, ../shared/bench): no photo asked, in Gorsk.
SUBCATEGORY = "04.02"
TX_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
# Read once per process and region version, never per submit.
REFERENCE_TABLES = ("wagtailcore_site", "wagtailcore_page", "wagtailcore_pageviewrestriction",
                    "cms_category", "cms_subcategory", "cms_territory",
                    "portal_submissionpagefield", "portal_heldupload", "routing_routingrule",
                    "routing_routingsettings", "fasttrack_fasttrack",
                    "fasttrack_fasttracksettings", "fasttrack_calendaramendment",
                    "guardian_", "cms_regionuserobjectpermission", "auth_user_groups")


@pytest.fixture(autouse=True)
def _empty_process_caches():
    """Each test starts as a fresh worker would: what another test left is not trusted."""
    region_cache.clear()
    page_routing.clear()
    yield
    region_cache.clear()
    page_routing.clear()


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(factories.user("root", email="root@example.org", is_staff=True,
                                      is_superuser=True))
    return client


def submit(client, page, **overrides) -> Appeal:
    response = client.post(page.url, valid_post(SUBCATEGORY, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appeal.objects.order_by("-pk").first()


def statements_of_a_submit(client, page) -> list[str]:
    data = valid_post(SUBCATEGORY)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(page.url, data)
    assert response.status_code == 302
    return [query["sql"] for query in captured.captured_queries
            if not query["sql"].startswith(TX_CONTROL)]


def test_a_submit_takes_at_most_10_statements_with_routing_fast_track_and_rating_on(
        demo, general, citizen_client):
    assert demo.disabled_plugins == []
    submit(citizen_client, general)  # this process's caches are filled once
    for _ in range(2):
        statements = statements_of_a_submit(citizen_client, general)
        listing = "\n".join(statements)
        # The regions' versions (and the page's region), session, user, the contact data
        # (this test's password login reads the profile on its own); number, message,
        # history, clock, outbox. The rate limit counts in the test settings' cache
        # here, and the queue row waits for a commit the test never makes.
        assert len(statements) <= 10, listing
        for table in REFERENCE_TABLES:
            assert f'"{table}' not in listing, f"{table} read on a warm submit"
        assert sum('FROM "auth_user"' in sql for sql in statements) == 1  # request.user
        assert not any("FOR UPDATE" in sql for sql in statements)


def test_a_submit_takes_at_most_10_statements_in_the_core_alone(
        general, citizen_client, core_only):
    submit(citizen_client, general)
    statements = statements_of_a_submit(citizen_client, general)
    assert len(statements) <= 10, "\n".join(statements)


# --- one transaction per submit -------------------------------------------------------


@pytest.fixture
def production_queue(settings, monkeypatch):
    """The one-box production configuration: rate limits counted in the database,
    django-q2's ORM broker with a worker (tasks not run inline)."""
    settings.POS_RATE_LIMIT_STORE = "database"
    monkeypatch.setattr(Conf, "SYNC", False)
    assert Conf.ORM == "default"


def used(scope: str) -> int:
    return sum(RateCounter.objects.filter(scope=scope).values_list("used", flat=True))


def transactions(queries: list[str]) -> list[list[str]]:
    """The statements of each BEGIN … COMMIT in `queries`, in order."""
    found, current = [], None
    for sql in queries:
        if sql == "BEGIN":
            current = []
        elif sql == "COMMIT":
            found.append(current)
            current = None
        elif current is not None and not sql.startswith(TX_CONTROL):
            current.append(sql)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_submit_commits_its_shared_counters_apart_from_its_message(
        demo, general, citizen, client, production_queue):
    client.force_login(citizen, backend=OIDC_BACKEND)
    submit(client, general)  # this process's caches are filled once
    tasks, counted = OrmQ.objects.count(), used("citizen")
    data = valid_post(SUBCATEGORY)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(general.url, data)
    assert response.status_code == 302
    appeal = Appeal.objects.get(idempotency_key=data["idempotency_key"])
    queries = [query["sql"] for query in captured.captured_queries]
    statements = [sql for sql in queries if not sql.startswith(TX_CONTROL)]
    # The rows every citizen of an address or a region shares (the rate counters, the
    # number) are written first, in one statement committed by itself, so they are
    # locked for that statement only (tests/portal/test_registration_number.py shows a
    # second submit going through meanwhile); the message, its rows and the worker's
    # queue row follow in one transaction, with no savepoint.
    begin = queries.index("BEGIN")
    [counters] = [sql for sql in queries[:begin] if "INSERT" in sql]
    assert counters.startswith('WITH counted AS (INSERT INTO "submission_ratecounter"')
    assert 'INSERT INTO "cms_registrationcounter"' in counters
    [message] = transactions(queries)
    assert 'INSERT INTO "cms_appeal"' in " ".join(message)
    # The four events and three letters as VALUES rows: Django's UNNEST of one array per
    # column costs psycopg 3 more to build than it saves on so few rows (RowsJSONField).
    assert not [sql for sql in message if "UNNEST" in sql], "\n".join(message)
    assert 'INSERT INTO "django_q_ormq"' in " ".join(message)
    assert not [sql for sql in queries if sql.startswith("SAVEPOINT")]
    # Session, user (with the profile), the regions' versions (and the page's region);
    # rate counters with the number, message, history, clock, outbox, queue row.
    assert len(statements) <= 9, "\n".join(statements)
    assert used("citizen") == counted + 1
    assert OrmQ.objects.count() == tasks + 1
    assert Notification.objects.filter(appeal=appeal).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_submit_that_fails_leaves_no_message_and_no_task_but_stays_counted(
        demo, general, citizen_client, production_queue, monkeypatch):
    submit(citizen_client, general)
    tasks, counted = OrmQ.objects.count(), used("citizen")
    appeals = Appeal.objects.count()

    def notify_then_fail(*args, **kwargs):
        notify_transition(*args, **kwargs)  # the outbox's rows and the queue's row
        raise RuntimeError("the connection dropped before the commit")

    monkeypatch.setattr(registration, "notify_transition", notify_then_fail)
    with pytest.raises(RuntimeError):
        citizen_client.post(general.url, valid_post(SUBCATEGORY))
    assert Appeal.objects.count() == appeals
    assert OrmQ.objects.count() == tasks
    # The attempt was made: it counts against the limit like any other.
    assert used("citizen") == counted + 1


@pytest.mark.django_db(transaction=True)
def test_an_invalid_post_and_a_refused_one_are_still_counted(
        demo, general, citizen_client, production_queue, settings):
    settings.POS_PORTAL_RATE_LIMITS = {"citizen": (2, 600), "address": (100, 600)}
    response = citizen_client.post(general.url, valid_post(SUBCATEGORY, text=""))
    assert response.status_code == 200  # the form again, with its error
    assert used("citizen") == 1
    submit(citizen_client, general)
    assert used("citizen") == 2
    response = citizen_client.post(general.url, valid_post(SUBCATEGORY))
    assert response.status_code == 429
    assert used("citizen") == 3


@pytest.mark.parametrize("store", ["database", "cache"])
@pytest.mark.django_db(transaction=True)
def test_a_post_refused_by_the_rate_limit_takes_no_number(
        demo, general, citizen_client, production_queue, settings, store):
    """The numbers stay consecutive past a refused post, whether the counts and the
    number are one statement (PostgreSQL, counted in the database) or two."""
    settings.POS_RATE_LIMIT_STORE = store
    settings.POS_PORTAL_RATE_LIMITS = {"citizen": (1, 600), "address": (100, 600)}
    first = submit(citizen_client, general)
    response = citizen_client.post(general.url, valid_post(SUBCATEGORY))
    assert response.status_code == 429
    other = Client()
    other.force_login(factories.user("other-citizen"))
    second = submit(other, general)
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


# --- page routing: Wagtail's editor -----------------------------------------------------


def edit_post(page, extra_fields=(), **changes) -> dict:
    """The page editor's form as Wagtail's admin posts it (publish), with `changes`."""
    data = nested_form_data({
        "title": page.title,
        "slug": page.slug,
        "intro": rich_text(""),
        "consent_text": rich_text("<p>Согласен на обработку данных</p>"),
        "file_types": list(page.file_types),
        "max_files": page.max_files,
        "max_file_size_mb": page.max_file_size_mb,
        "extra_fields": inline_formset(list(extra_fields)),
        **changes,
    })
    data["action-publish"] = "action-publish"
    return data


def test_a_page_moved_to_another_slug_in_the_editor_is_served_there_next(
        general, citizen_client, admin_client):
    old_url = general.url
    assert citizen_client.get(old_url).status_code == 200
    response = admin_client.post(f"/admin/pages/{general.pk}/edit/",
                                 edit_post(general, slug="obshchaya"))
    assert response.status_code == 302
    assert citizen_client.get(old_url).status_code == 404
    general.refresh_from_db()
    assert general.url.endswith("/obshchaya/")
    assert citizen_client.get(general.url).status_code == 200


def test_a_page_unpublished_in_the_admin_is_gone_on_the_next_request(
        general, citizen_client, admin_client):
    assert citizen_client.get(general.url).status_code == 200
    response = admin_client.post(f"/admin/pages/{general.pk}/unpublish/")
    assert response.status_code == 302
    assert citizen_client.get(general.url).status_code == 404


def test_a_restriction_added_in_the_admin_applies_on_the_next_request(
        general, citizen_client, admin_client):
    assert citizen_client.get(general.url).status_code == 200
    response = admin_client.post(f"/admin/pages/{general.pk}/privacy/",
                                 {"restriction_type": "password", "password": "secret"})
    assert response.status_code == 200
    assert general.get_view_restrictions().exists()
    response = citizen_client.get(general.url)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


# --- the page's form: questions and categories --------------------------------------------


def test_a_question_added_in_the_editor_is_asked_on_the_next_request(
        general, citizen_client, admin_client):
    assert "Номер подъезда" not in citizen_client.get(general.url).content.decode()
    question = {"label": "Номер подъезда", "field_type": "singleline", "required": "",
                "choices": "", "default_value": "", "help_text": ""}
    response = admin_client.post(f"/admin/pages/{general.pk}/edit/",
                                 edit_post(general, extra_fields=[question]))
    assert response.status_code == 302
    assert "Номер подъезда" in citizen_client.get(general.url).content.decode()


@pytest.fixture
def demo_folder(tmp_path):
    target = tmp_path / "demo"
    shutil.copytree(settings.POS_CONFIG_DIR / "demo", target)
    return target


def rewrite(folder, filename, change) -> None:
    path = folder / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_category_hidden_by_load_region_is_refused_on_the_next_request(
        demo, general, citizen_client, demo_folder):
    submit(citizen_client, general)
    rewrite(demo_folder, "region.json", lambda data: data.update(hidden_categories=["04"]))
    assert load_region_folder(demo_folder).report.changed
    response = citizen_client.post(general.url, valid_post(SUBCATEGORY))
    assert response.status_code == 200
    assert "Выберите категорию из списка" in response.content.decode()


# --- routing: the rule editor -------------------------------------------------------------


def test_a_rule_saved_in_the_admin_routes_the_next_message(
        demo, general, citizen_client, admin_client):
    first = submit(citizen_client, general)
    other = Organisation.objects.filter(region=demo).exclude(pk=first.organisation_id)
    addressee = other.order_by("code").first()
    sub = Subcategory.objects.get(code=SUBCATEGORY)
    response = admin_client.post("/admin/routing/routingrule/create/", {
        "region": demo.pk, "code": "perf-test", "category": sub.category_id,
        "subcategory": sub.pk, "territory": factories.territory("gorsk").pk,
        "channel": "", "organisation": addressee.pk, "priority": "100",
        "is_active": "on", "note": ""})
    assert response.status_code == 302
    assert submit(citizen_client, general).organisation_id == addressee.pk


# --- fast track: its admin and the region settings page -------------------------------------


def test_a_fast_track_added_in_the_admin_shortens_the_next_message(
        demo, general, citizen_client, admin_client):
    assert not submit(citizen_client, general).is_fast_track
    sub = Subcategory.objects.get(code=SUBCATEGORY)
    response = admin_client.post(reverse("fasttrack_fasttrack_modeladmin_create"), {
        "region": demo.pk, "subcategory": sub.pk, "term": 1, "unit": "hours",
        "is_active": "on", "note": ""})
    assert response.status_code == 302
    appeal = submit(citizen_client, general)
    assert appeal.is_fast_track
    reason = appeal.events.get(kind=EventKind.DEADLINE_CHANGED).reason
    assert sub.name in reason or sub.code in reason or "1" in reason


def expected_deadline(appeal: Appeal):
    """The deadline from the database as it is now, nothing kept in memory."""
    region_cache.clear()
    fresh = Appeal.objects.select_related("region", "subcategory").get(pk=appeal.pk)
    return plan_deadline(fresh, appeal.created_at).due_at


def test_working_hours_changed_on_the_region_settings_page_count_from_the_next_message(
        demo, general, citizen_client, admin_client):
    from tests.plugin_contract.test_settings import every_section, page_url

    submit(citizen_client, general)
    response = admin_client.post(page_url(demo), every_section(**{
        "fasttrack-fasttracksettings-workday_start": "10:00",
        "fasttrack-fasttracksettings-workday_end": "11:00"}))
    assert response.status_code == 302
    appeal = submit(citizen_client, general)
    assert abs(appeal.deadline - expected_deadline(appeal)) < timedelta(seconds=1)


def test_a_day_off_declared_in_the_admin_counts_from_the_next_message(
        demo, general, citizen_client):
    # The region's editor, as tests/fasttrack/test_admin.py declares days off.
    admin_client = Client()
    admin_client.force_login(get_user_model().objects.get(username="editor"))
    first = submit(citizen_client, general)
    # Every day up to the deadline off: the next message's deadline must move.
    day = timezone.localdate(first.created_at, demo.tzinfo)
    last = timezone.localdate(first.deadline, demo.tzinfo)
    declared = set(CalendarAmendment.objects.filter(region=demo).values_list("date", flat=True))
    while day <= last:
        if day in declared:
            day += timedelta(days=1)
            continue
        response = admin_client.post(reverse("fasttrack_calendaramendment_modeladmin_create"),
                                     {"region": demo.pk, "date": day.isoformat(),
                                      "is_working_day": "", "note": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
        day += timedelta(days=1)
    appeal = submit(citizen_client, general)
    assert appeal.deadline > first.deadline
    assert abs(appeal.deadline - expected_deadline(appeal)) < timedelta(seconds=1)


# --- notifications: the moderators ----------------------------------------------------------


def told(appeal) -> set[str]:
    return set(Notification.objects.filter(appeal=appeal).values_list("email", flat=True))


def test_a_moderator_added_by_load_region_is_told_of_the_next_message(
        demo, general, citizen_client, demo_folder):
    new = "cur.moderator9@demo-oblast.example"
    assert new not in told(submit(citizen_client, general))
    rewrite(demo_folder, "staff.json", lambda data: data.append({
        "username": "cur.moderator9", "first_name": "Ольга", "last_name": "Новикова",
        "email": new, "roles": [{"organisation": "cur", "role": "moderator"}]}))
    assert load_region_folder(demo_folder).report.changed
    assert new in told(submit(citizen_client, general))


def test_a_moderator_account_switched_off_is_not_told_of_the_next_message(
        demo, general, citizen_client, admin_client):
    appeal = submit(citizen_client, general)
    moderators = {email for email in told(appeal) if email != "anna@example.org"}
    assert moderators
    email = min(moderators)
    user = type(appeal.citizen).objects.get(email=email)
    user.is_active = False
    user.save()  # as the user admin's form saves it (post_save)
    assert email not in told(submit(citizen_client, general))
