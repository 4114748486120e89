"""Every per-process cache of issue 17 seeing a change made through the admin (a real
POST to its edit view) on the very next request, in a worker that did not make it.

Completes tests/perf/test_submit_path.py (page editor, privacy, unpublish, rule editor,
fast-track and calendar admin, region settings page) and test_staff_queue.py (territory
editor): here the sites admin, the classifier's and the region's editors, the
organisation editor and the staff memberships admin. `another_worker` (see
test_cache_invalidation_load_region) puts back what the process held before the POST.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, Site

from cms.models import (
    Category,
    Organisation,
    Role,
    StaffMembership,
    Status,
    Subcategory,
    Territory,
)
from cms.permissions.groups import ROLE_GROUP_NAMES
from plugins.reports import facts
from tests import factories
from tests.perf import test_submit_path as submit_path
from tests.perf.test_cache_invalidation_load_region import another_worker, page
from tests.perf.test_staff_queue import sidebar
from tests.perf.test_submit_path import SUBCATEGORY, expected_deadline, submit, told
from tests.portal.conftest import valid_post
from tests.queues.test_queues import QUEUE_USERS, bulk_messages
from tests.workflow.builders import demo_staff, message

attachments_dir = submit_path.attachments_dir
citizen = submit_path.citizen
citizen_client = submit_path.citizen_client
general = submit_path.general
portal = submit_path.portal


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(factories.user("root", email="root@example.org", is_staff=True,
                                      is_superuser=True))
    return client


def as_posted(instance, fields, json_fields=(), **changes) -> dict:
    """The edit form's data for `instance` as the browser posts it, with `changes`
    (`json_fields`: posted as JSON text, not as a multiple choice)."""
    values = {**model_to_dict(instance, fields=fields), **changes}
    data = {}
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(field, models.JSONField) and name in json_fields:
            data[name] = json.dumps(value)
        elif isinstance(value, list | tuple):  # a multiple choice (a JSON list too)
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = "" if value is None else value
    return data


def admin_post(client, url, data) -> None:
    with another_worker():
        response = client.post(url, data)
        assert response.status_code == 302, form_errors(response)


def form_errors(response) -> str:
    """What the admin's form refused (or the page's start when there is no form)."""
    form = (response.context or {}).get("form")
    return repr(form.errors) if form is not None else response.content.decode()[:3000]


def edit_url(model, pk) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/edit/{pk}/"


# --- the region's public address: the sites admin -------------------------------------


def confirmation_link(appeal) -> str:
    return appeal.notifications.get(template="appeal_registered").context["link"]


def test_the_sites_address_changed_in_the_sites_admin_is_in_the_next_confirmation(
        demo, general, citizen_client, admin_client):
    assert confirmation_link(submit(citizen_client, general)).startswith(
        "http://127.0.0.1:8000/")
    site = Site.objects.get(pk=demo.site_id)
    admin_post(admin_client, reverse("wagtailsites:edit", args=[site.pk]), {
        "hostname": "obrashchenia.demo-oblast.example", "port": "443",
        "site_name": site.site_name, "root_page": site.root_page_id,
        "is_default_site": "on"})
    assert confirmation_link(submit(citizen_client, general)).startswith(
        "https://obrashchenia.demo-oblast.example/")


# --- the classifier: the citizen's form, deadlines, the queues' filters ---------------


CATEGORY_FIELDS = ["name", "name_en", "code", "position"]
SUBCATEGORY_FIELDS = ["name", "name_en", "category", "code", "position",
                      "moderation_days", "work_days", "approval_days", "photo_required"]


def test_a_category_renamed_in_the_admin_is_offered_by_its_name_next(
        general, citizen_client, admin_client):
    category = Category.objects.get(code=SUBCATEGORY[:2])
    assert category.name in page(citizen_client, general.url)
    admin_post(admin_client, edit_url(Category, category.pk),
               as_posted(category, CATEGORY_FIELDS, name="Переименованная категория"))
    assert "Переименованная категория" in page(citizen_client, general.url)


def test_a_category_renamed_in_the_admin_is_in_the_next_queues_filter(
        inbox, admin_client):
    # Not the inbox message's category (01): only the filter names it.
    category = Category.objects.get(code="06")
    assert str(category) in page(inbox, "/admin/queues/inbox/")
    admin_post(admin_client, edit_url(Category, category.pk),
               as_posted(category, CATEGORY_FIELDS, name="Переименованная категория"))
    category.refresh_from_db()
    assert str(category) in page(inbox, "/admin/queues/inbox/")


def test_a_subcategorys_term_changed_in_the_admin_counts_from_the_next_message(
        demo, general, citizen_client, admin_client):
    first = submit(citizen_client, general)
    sub = Subcategory.objects.get(code=SUBCATEGORY)
    admin_post(admin_client, edit_url(Subcategory, sub.pk),
               as_posted(sub, SUBCATEGORY_FIELDS, work_days=sub.work_days + 20))
    appeal = submit(citizen_client, general)
    assert appeal.deadline - first.deadline > timedelta(days=20)
    assert abs(appeal.deadline - expected_deadline(appeal)) < timedelta(seconds=1)


# --- the region editor ----------------------------------------------------------------


REGION_FIELDS = [
    "name", "name_en", "time_zone", "site", "default_moderating_organisation",
    "disabled_plugins", "hidden_categories"]


def test_a_category_hidden_in_the_region_editor_is_refused_next(
        demo, general, citizen_client, admin_client):
    submit(citizen_client, general)
    hidden = Category.objects.get(code=SUBCATEGORY[:2])
    admin_post(admin_client, edit_url(type(demo), demo.pk), as_posted(
        demo, REGION_FIELDS, hidden_categories=[*demo.hidden_categories.all(), hidden]))
    response = citizen_client.post(general.url, valid_post(SUBCATEGORY))
    assert response.status_code == 200
    assert "Выберите категорию из списка" in response.content.decode()


@pytest.fixture
def inbox(client, demo):
    """The coordinator's inbox with one message, opened once (the shell remembers)."""
    username, status, organisation = QUEUE_USERS["inbox"]
    bulk_messages(1, status, organisation)
    client.force_login(demo_staff()[username])
    page(client, "/admin/queues/inbox/")
    return client


def test_a_territory_renamed_in_the_admin_is_in_the_next_queues_filter(
        inbox, demo, admin_client):
    # Not the inbox message's territory: only the filter names it.
    territory = Territory.objects.get(region=demo, code="staromlynsk")
    assert territory.name in page(inbox, "/admin/queues/inbox/")
    admin_post(admin_client, edit_url(Territory, territory.pk), {
        "name": "Городской округ Новомлынск", "code": territory.code,
        "kind": territory.kind})
    assert "Городской округ Новомлынск" in page(inbox, "/admin/queues/inbox/")


def test_the_region_renamed_in_the_region_editor_is_named_on_the_next_admin_page(
        inbox, demo, admin_client):
    assert demo.name in page(inbox, "/admin/queues/inbox/")
    admin_post(admin_client, edit_url(type(demo), demo.pk),
               as_posted(demo, REGION_FIELDS, name="Переименованная область"))
    assert "Переименованная область" in page(inbox, "/admin/queues/inbox/")


# --- the organisation editor: the message page's options, the queues' filters ---------


ORGANISATION_FIELDS = ["region", "code", "name", "short_name", "kind", "parent",
                       "territories", "website_domains"]


def rename_organisation(admin_client, code: str, name: str) -> None:
    organisation = factories.organisation(code)
    admin_post(admin_client, edit_url(Organisation, organisation.pk),
               as_posted(organisation, ORGANISATION_FIELDS,
                         json_fields=["website_domains"], name=name, short_name=name))


def test_an_organisation_renamed_in_the_admin_is_offered_on_the_next_message_page(
        client, demo, admin_client):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    url = f"/admin/messages/{appeal.pk}/"
    assert f'>{factories.organisation("adm-staromlynsk")}<' in page(client, url)
    rename_organisation(admin_client, "adm-staromlynsk",
                        "Управление переименованных дорог")
    assert "Управление переименованных дорог" in page(client, url)


def test_an_organisation_renamed_in_the_admin_is_in_the_next_queues_filter(
        inbox, demo, admin_client):
    # Not the inbox message's organisation: only the filter names it.
    organisation = Organisation.objects.get(region=demo, code="adm-staromlynsk")
    assert str(organisation) in page(inbox, "/admin/queues/inbox/")
    rename_organisation(admin_client, "adm-staromlynsk", "Администрация Новомлынска")
    assert "Администрация Новомлынска" in page(inbox, "/admin/queues/inbox/")


def test_an_organisation_renamed_in_the_admin_is_in_the_next_open_data(
        client, demo, admin_client):
    """The open data document, kept in Django's cache under the region's version."""
    message(Status.ON_MODERATION, "adm-gorsk")
    facts.refresh(full=True)
    url = reverse("open_data_json", args=["demo"])
    assert factories.organisation("adm-gorsk").name in client.get(url).content.decode()
    rename_organisation(admin_client, "adm-gorsk", "Администрация Новогорска")
    assert "Администрация Новогорска" in client.get(url).content.decode()


# --- staff accounts and memberships: executors offered, moderators told ---------------


def new_staff_account(admin_client, organisation_code: str, role: Role) -> None:
    """The admin's "new staff account" page (`staff_new`): the account, its membership,
    the role's group and grant."""
    admin_post(admin_client, reverse("staff_new"), {
        "username": "newcomer", "first_name": "Новенький", "last_name": "Исполнитель",
        "email": "newcomer@example.org",
        "organisation": factories.organisation(organisation_code).pk,
        "role": role.value})


def test_an_executor_given_an_account_in_the_admin_is_offered_next(
        client, demo, admin_client):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    url = f"/admin/messages/{appeal.pk}/"
    assert "Новенький Исполнитель" not in page(client, url)
    new_staff_account(admin_client, "adm-gorsk", Role.EXECUTOR)
    assert "Новенький Исполнитель" in page(client, url)


def test_a_moderator_given_an_account_in_the_admin_is_told_of_the_next_message(
        demo, general, citizen_client, admin_client):
    assert "newcomer@example.org" not in told(submit(citizen_client, general))
    new_staff_account(admin_client, "cur", Role.MODERATOR)
    assert "newcomer@example.org" in told(submit(citizen_client, general))


def test_a_moderators_membership_deleted_in_the_admin_is_not_told_of_the_next_message(
        demo, general, citizen_client, admin_client):
    appeal = submit(citizen_client, general)
    membership = (StaffMembership.objects
                  .filter(role=Role.MODERATOR, organisation__region=demo,
                          user__email__in=told(appeal))
                  .select_related("user").order_by("user__email").first())
    user = membership.user
    assert StaffMembership.objects.filter(user=user).count() == 1
    admin_post(admin_client, f"/admin/cms/staffmembership/delete/{membership.pk}/", {})
    assert user.email not in told(submit(citizen_client, general))


# --- the admin shell: collection permissions ---------------------------------------


def test_a_collection_permission_given_to_a_role_shows_its_menu_next(client, demo):
    """The rows Wagtail's group editor saves (its formsets; no region file gives them):
    the coordinator's sidebar offers the documents on the next request."""
    coordinator = demo_staff()["coordinator"]
    client.force_login(coordinator)
    assert '"documents"' not in sidebar(client)
    group = coordinator.groups.get(name=ROLE_GROUP_NAMES[Role.COORDINATOR])
    with another_worker():
        GroupCollectionPermission.objects.create(
            group=group, collection=Collection.get_first_root_node(),
            permission=Permission.objects.get(codename="change_document"))
    assert '"documents"' in sidebar(client)
