"""Every per-process cache of issue 17 seeing a change made through `load_region` on the
very next request, in a worker that did not make the change.

The caches: the region's reference data (`cms.submission.region_cache`: the page's
form choices and questions, the routing rules, the fast-track settings, tracks and
calendar, the moderators, the region's public address, the message page's organisation
and executor options), the submission pages' route table (`cms.portal.page_routing`)
and what the admin shell remembers per role (`cms.staff_admin.shell`).

The test process is also the one that writes, and a write forgets this process's own
copy at once (`bump_region_version`). `another_worker` puts back what the process held
before the write, as a gunicorn worker that did not write still holds it: only the
version read by the next request can make that worker read afresh.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cms.models import Category, Organisation, Region, Role, Status, Territory
from cms.portal import page_routing
from cms.regionconfig.loader import load_region_folder
from cms.staff_admin import shell
from cms.submission import region_cache
from plugins.fasttrack.models import CalendarAmendment
from plugins.reports import facts
from tests.perf import test_submit_path as submit_path
from tests.perf.test_submit_path import (
    SUBCATEGORY,
    expected_deadline,
    rewrite,
    submit,
    told,
)
from tests.queues.test_queues import QUEUE_USERS, bulk_messages
from tests.workflow.builders import demo_staff, message

# The submit path's fixtures: the demo pages, a logged-in citizen, a copy of the demo
# region's folder to rewrite and load.
attachments_dir = submit_path.attachments_dir
citizen = submit_path.citizen
citizen_client = submit_path.citizen_client
demo_folder = submit_path.demo_folder
general = submit_path.general
portal = submit_path.portal


@contextmanager
def another_worker():
    """What this process remembers now is what it remembers after the block: the
    block's writes reach it only through the versions the next request reads."""
    memo = {pk: (version, dict(values))
            for pk, (version, values) in region_cache._memo.items()}
    table = page_routing._table
    with shell._lock:
        remembered = {"version": shell._memory["version"],
                      "entries": dict(shell._memory["entries"])}
    yield
    region_cache._memo.clear()
    region_cache._memo.update(memo)
    region_cache._bumped.clear()  # the other worker made no change of its own
    page_routing._table = table
    with shell._lock:
        shell._memory.update(remembered)


def load(folder, **options) -> None:
    with another_worker():
        assert load_region_folder(folder, **options).report.changed


def entry(items: list, **match) -> dict:
    return next(item for item in items if all(item[k] == v for k, v in match.items()))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the submission page: route table, form choices, questions ------------------------


def test_a_page_retitled_by_load_region_is_served_with_its_title_next(
        general, citizen_client, demo_folder):
    # The route table is built, with the page in it.
    assert general.title in page(citizen_client, general.url)

    def retitle(data):
        general_entry = entry(data["submission_pages"], slug="general")
        general_entry["title"] = "Обращение о неполадке"

    rewrite(demo_folder, "portal.json", retitle)
    load(demo_folder)
    assert "Обращение о неполадке" in page(citizen_client, general.url)


def test_a_page_unpublished_by_load_region_prune_is_gone_next(
        general, citizen_client, demo_folder):
    roads_url = general.url.replace("/general/", "/roads/")
    assert citizen_client.get(roads_url).status_code == 200

    def drop_roads(data):
        data["submission_pages"] = [item for item in data["submission_pages"]
                                    if item["slug"] != "roads"]

    rewrite(demo_folder, "portal.json", drop_roads)
    load(demo_folder, prune=True)
    assert citizen_client.get(roads_url).status_code == 404


def test_a_question_added_by_load_region_is_asked_next(
        general, citizen_client, demo_folder):
    assert "Номер подъезда" not in page(citizen_client, general.url)

    def ask(data):
        entry(data["submission_pages"], slug="general")["questions"].append(
            {"label": "Номер подъезда", "field_type": "singleline", "required": False})

    rewrite(demo_folder, "portal.json", ask)
    load(demo_folder)
    assert "Номер подъезда" in page(citizen_client, general.url)


def test_a_territory_renamed_by_load_region_is_offered_by_its_name_next(
        general, citizen_client, demo_folder):
    assert "Городской округ Горск" in page(citizen_client, general.url)
    rewrite(demo_folder, "territories.json", lambda data: entry(
        data, code="gorsk").update(name="Городской округ Новогорск"))
    load(demo_folder)
    assert "Городской округ Новогорск" in page(citizen_client, general.url)


# --- routing --------------------------------------------------------------------------


def test_a_rule_added_by_load_region_routes_the_next_message(
        demo, general, citizen_client, demo_folder):
    first = submit(citizen_client, general)
    addressee = (Organisation.objects.filter(region=demo)
                 .exclude(pk=first.organisation_id).order_by("code").first())
    rewrite(demo_folder, "routing.json", lambda data: data["rules"].append({
        "code": "perf-test", "category": SUBCATEGORY[:2], "subcategory": SUBCATEGORY,
        "territory": "gorsk", "channel": None, "organisation": addressee.code,
        "priority": 100, "is_active": True, "note": ""}))
    load(demo_folder)
    assert submit(citizen_client, general).organisation_id == addressee.pk


# --- deadlines: fast tracks, working hours, the calendar ------------------------------


def test_a_fast_track_added_by_load_region_shortens_the_next_message(
        demo, general, citizen_client, demo_folder):
    assert not submit(citizen_client, general).is_fast_track
    rewrite(demo_folder, "fasttracks.json", lambda data: data["fast_tracks"].append({
        "category": None, "subcategory": SUBCATEGORY, "term": 1, "unit": "hours",
        "is_active": True, "note": ""}))
    load(demo_folder)
    assert submit(citizen_client, general).is_fast_track


def test_working_hours_changed_by_load_region_count_from_the_next_message(
        demo, general, citizen_client, demo_folder):
    first = submit(citizen_client, general)
    rewrite(demo_folder, "fasttracks.json", lambda data: data["settings"].update(
        workday_start="10:00", workday_end="11:00"))
    load(demo_folder)
    appeal = submit(citizen_client, general)
    # Counted in the region's new working hours, 10:00 to 11:00 (the first was not).
    assert not time(10) <= first.deadline.astimezone(demo.tzinfo).time() <= time(11)
    assert time(10) <= appeal.deadline.astimezone(demo.tzinfo).time() <= time(11)
    assert abs(appeal.deadline - expected_deadline(appeal)) < timedelta(seconds=1)


def test_days_off_declared_by_load_region_count_from_the_next_message(
        demo, general, citizen_client, demo_folder):
    first = submit(citizen_client, general)
    declared = set(CalendarAmendment.objects.filter(region=demo)
                   .values_list("date", flat=True))
    day = timezone.localdate(first.created_at, demo.tzinfo)
    last = timezone.localdate(first.deadline, demo.tzinfo)
    days_off = []
    while day <= last:
        if day not in declared:
            days_off.append({"date": day.isoformat(), "is_working_day": False,
                             "note": ""})
        day += timedelta(days=1)
    rewrite(demo_folder, "fasttracks.json",
            lambda data: data["calendar"].extend(days_off))
    load(demo_folder)
    appeal = submit(citizen_client, general)
    assert appeal.deadline > first.deadline
    assert abs(appeal.deadline - expected_deadline(appeal)) < timedelta(seconds=1)


# --- notifications: the moderators, the region's address ------------------------------


def test_a_moderator_added_by_load_region_is_told_by_a_worker_that_held_the_old_list(
        demo, general, citizen_client, demo_folder):
    new = "cur.moderator9@demo-oblast.example"
    assert new not in told(submit(citizen_client, general))
    rewrite(demo_folder, "staff.json", lambda data: data.append({
        "username": "cur.moderator9", "first_name": "Ольга", "last_name": "Новикова",
        "email": new, "roles": [{"organisation": "cur", "role": "moderator"}]}))
    load(demo_folder)
    assert new in told(submit(citizen_client, general))


def confirmation_link(appeal) -> str:
    return appeal.notifications.get(template="appeal_registered").context["link"]


def test_the_sites_address_changed_by_load_region_is_in_the_next_confirmation(
        demo, general, citizen_client, demo_folder):
    assert confirmation_link(submit(citizen_client, general)).startswith(
        "http://127.0.0.1:8000/")
    rewrite(demo_folder, "portal.json", lambda data: data["site"].update(
        hostname="obrashchenia.demo-oblast.example", port=443))
    load(demo_folder)
    assert confirmation_link(submit(citizen_client, general)).startswith(
        "https://obrashchenia.demo-oblast.example/")


# --- the message page's action forms --------------------------------------------------


def test_an_organisation_renamed_by_load_region_is_offered_by_its_name_next(
        client, demo, demo_folder):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    organisation = Organisation.objects.get(region=demo, code="adm-berezovsky-mr")
    assert f">{organisation}<" in page(client, f"/admin/messages/{appeal.pk}/")
    renamed = "Администрация Переименованного района"
    rewrite(demo_folder, "organisations.json", lambda data: entry(
        data, code="adm-berezovsky-mr").update(name=renamed, short_name=renamed))
    load(demo_folder)
    assert renamed in page(client, f"/admin/messages/{appeal.pk}/")


def test_an_executor_added_by_load_region_is_offered_next(client, demo, demo_folder):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    assert "Новикова" not in page(client, f"/admin/messages/{appeal.pk}/")
    rewrite(demo_folder, "staff.json", lambda data: data.append({
        "username": "adm-gorsk.executor9", "first_name": "Ольга",
        "last_name": "Новикова",
        "email": "adm-gorsk.executor9@demo-oblast.example",
        "roles": [{"organisation": "adm-gorsk", "role": Role.EXECUTOR.value}]}))
    load(demo_folder)
    assert "Новикова" in page(client, f"/admin/messages/{appeal.pk}/")


# --- the admin shell's remembered data ------------------------------------------------


@pytest.fixture
def inbox(client, demo):
    """The coordinator's inbox with one message, opened once (the shell remembers)."""
    username, status, organisation = QUEUE_USERS["inbox"]
    bulk_messages(1, status, organisation)
    client.force_login(demo_staff()[username])
    page(client, "/admin/queues/inbox/")
    return client


def test_a_territory_renamed_by_load_region_is_in_the_next_queues_filter(
        inbox, demo, demo_folder):
    # Not the inbox message's territory: only the filter names it.
    assert Territory.objects.get(region=demo, code="staromlynsk").name in page(
        inbox, "/admin/queues/inbox/")
    rewrite(demo_folder, "territories.json", lambda data: entry(
        data, code="staromlynsk").update(name="Городской округ Новомлынск"))
    load(demo_folder)
    assert "Городской округ Новомлынск" in page(inbox, "/admin/queues/inbox/")


def test_an_organisation_added_by_load_region_is_in_the_next_queues_filter(
        inbox, demo, demo_folder):
    assert "Совсем новая организация" not in page(inbox, "/admin/queues/inbox/")
    rewrite(demo_folder, "organisations.json", lambda data: data.append({
        "code": "new-org", "name": "Совсем новая организация",
        "short_name": "Совсем новая организация",
        "kind": "other", "parent": None, "territories": [], "website_domains": []}))
    load(demo_folder)
    assert "Совсем новая организация" in page(inbox, "/admin/queues/inbox/")


def test_the_region_renamed_by_load_region_is_named_on_the_next_admin_page(
        inbox, demo, demo_folder):
    assert demo.name in page(inbox, "/admin/queues/inbox/")
    rewrite(demo_folder, "region.json", lambda data: data.update(
        name="Переименованная область"))
    load(demo_folder)
    assert "Переименованная область" in page(inbox, "/admin/queues/inbox/")
    assert Region.objects.get(pk=demo.pk).name == "Переименованная область"


def test_a_category_renamed_by_the_classifiers_load_is_offered_next(
        inbox, demo, demo_folder, tmp_path):
    """`load_region` with the classifier: the queues' filter names the category by its
    new name on the next request."""
    category = Category.objects.get(code="06")
    assert str(category) in page(inbox, "/admin/queues/inbox/")
    classifier = tmp_path / "classifier.json"
    shutil.copy(settings.POS_CONFIG_DIR / "classifier.json", classifier)
    rewrite(tmp_path, "classifier.json", lambda data: entry(
        data["categories"], code="06").update(name="Переименованные услуги"))
    with another_worker():
        assert load_region_folder(demo_folder, classifier).report.changed
    category.refresh_from_db()
    assert category.name == "Переименованные услуги"
    assert str(category) in page(inbox, "/admin/queues/inbox/")


def test_an_organisation_renamed_by_load_region_is_in_the_next_open_data(
        demo, client, demo_folder):
    """The open data document is kept in Django's cache under the region's version
    (plugins/reports/open_data_views.py): a renamed organisation is in the next one,
    without waiting for the figures' next refresh."""
    message(Status.ON_MODERATION, "adm-gorsk")
    facts.refresh(full=True)
    url = reverse("open_data_json", args=["demo"])
    before = client.get(url).content.decode()
    assert str(Organisation.objects.get(region=demo, code="adm-gorsk").name) in before
    rewrite(demo_folder, "organisations.json", lambda data: entry(
        data, code="adm-gorsk").update(name="Администрация Новогорска"))
    load(demo_folder)
    assert "Администрация Новогорска" in client.get(url).content.decode()


def test_another_worker_really_keeps_what_it_held(client, demo):
    """The helper's own check: without a new version, the held data is answered."""
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    url = f"/admin/messages/{appeal.pk}/"
    assert "Управление переименованных дорог" not in page(client, url)
    with another_worker():
        # Behind the versions' back: no signal, no bump.
        Organisation.objects.filter(code="adm-staromlynsk").update(
            name="Управление переименованных дорог",
            short_name="Управление переименованных дорог")
    assert "Управление переименованных дорог" not in page(client, url)
    region_cache.bump_region_version([demo.pk])
    assert "Управление переименованных дорог" in page(client, url)
