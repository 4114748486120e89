"""Isolation, proven over every admin URL (issue 14, point 3): a user of region A gets a
refusal (403/404/a redirect away) or a list without region B's rows, whatever the list,
message URL or export.

The URLs are read from the URL resolver, not written down: every admin URL that the
core or a plugin registers is checked. A model admin's URLs are checked by what it is
(a staff queue, a region-scoped admin, the shared classifier); any other view must be
named in `VIEW_CHECKS` with how to try it across the regions, so a new list or page
cannot be added without its region scoping being tried here.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cms.models import Appeal, Notification, Organisation, Region, Role, StaffMembership
from cms.staff_admin.queues import QueueAdmin
from cms.staff_admin.reference import CategoryAdmin, SubcategoryAdmin
from cms.staff_admin.region_scoped import RegionScopedAdmin
from tests.isolation.world import ROLES, populate, superuser

pytestmark = pytest.mark.django_db

# Model admins whose rows are no region's: the national classifier, which every region
# reads and only the platform's operators change.
SHARED_ADMINS = (CategoryAdmin, SubcategoryAdmin)
REFUSED = (302, 403, 404, 405)
# How many of region B's rows each object URL is tried with (each URL refuses by its
# admin's one rule, so one row per URL and role tells).
SAMPLE = 1


@dataclass
class World:
    a: object
    b: object
    root: object


@pytest.fixture
def world(demo):
    from tests import two_regions

    second = two_regions.second_region()
    return World(a=populate(demo), b=populate(second), root=superuser())


# --- what the resolver holds -------------------------------------------------------------


@dataclass(frozen=True)
class AdminURL:
    name: str
    pattern: str
    module: str
    model_admin: object | None
    action: str | None


def model_admin_of(callback):
    """The model admin a view serves: given to `as_view`, or held by a wrapper that
    builds the view per request (an admin's own extra actions)."""
    callback = inspect.unwrap(callback)  # Wagtail wraps admin views in its access check
    found = getattr(callback, "view_initkwargs", {}).get("model_admin")
    if found is None and hasattr(getattr(callback, "__self__", None), "url_helper"):
        found = callback.__self__  # modeladmin's own views are its bound methods
    for cell in getattr(callback, "__closure__", None) or ():
        if found is None and hasattr(cell.cell_contents, "url_helper"):
            found = cell.cell_contents
    return found


def admin_urls() -> list[AdminURL]:
    """Every admin URL whose view comes from the core or a plugin."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                space = entry.namespace
                name = f"{namespace}:{space}" if namespace and space else (
                    space or namespace)
                walk(entry.url_patterns, prefix + str(entry.pattern), name)
                continue
            assert isinstance(entry, URLPattern)
            path = prefix + str(entry.pattern)
            if not path.startswith("admin/"):
                continue
            callback = entry.callback
            model_admin = model_admin_of(callback)
            module = (type(model_admin).__module__ if model_admin is not None
                      else getattr(inspect.unwrap(callback), "__module__", ""))
            if not module.startswith(("cms.", "plugins.", "tests.")):
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            action = name.rsplit("_modeladmin_", 1)[1] if "_modeladmin_" in (name or "") \
                else None
            found.append(AdminURL(name, path, module, model_admin, action))

    walk(get_resolver().url_patterns, "", None)
    return found


def model_admins() -> dict[object, list[AdminURL]]:
    by_admin = defaultdict(list)
    for url in admin_urls():
        if url.model_admin is not None:
            by_admin[url.model_admin].append(url)
    return by_admin


def function_views() -> set[str]:
    return {url.name for url in admin_urls() if url.model_admin is None}


# --- helpers -----------------------------------------------------------------------------


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    # Wagtail's "no access" and modeladmin's permission denial redirect to the dashboard.
    return response.status_code == 302 and "/admin/" in response["Location"] and (
        "/edit/" not in response["Location"])


def rows_of(response):
    view = response.context["view"]
    return view.queryset


# --- the meta-test: nothing unchecked ----------------------------------------------------


def test_every_admin_url_is_checked_here():
    unknown_admins = [type(admin).__name__ for admin in model_admins()
                      if not isinstance(admin, (QueueAdmin, RegionScopedAdmin,
                                                *SHARED_ADMINS))]
    assert not unknown_admins, (
        f"model admins with no region scoping checked: {unknown_admins}; make them "
        "RegionScopedAdmin (cms/staff_admin/region_scoped.py) or say here why they are "
        "shared")
    unknown_views = sorted(function_views() - VIEW_CHECKS.keys())
    assert not unknown_views, (
        f"admin views with no isolation check: {unknown_views}; add each to VIEW_CHECKS "
        "in tests/isolation/test_admin_urls.py")


# --- the queues --------------------------------------------------------------------------


def queue_admins():
    return [admin for admin in model_admins() if isinstance(admin, QueueAdmin)]


def test_no_queue_lists_or_exports_the_other_regions_messages(world, client):
    assert queue_admins()
    for admin in queue_admins():
        index = reverse(admin.url_helper.get_action_url_name("index"))
        # Region B has messages in this queue: their absence below means something.
        # (Asked of the operator, and of B's own staff for queues of one's own messages.)
        assert any(
            get(client, user, index).status_code == 200
            and rows_of(get(client, user, index)).filter(region=world.b.region).exists()
            for user in (world.root, *world.b.staff.values())), (
            f"give region B a message in the queue {admin.queue.key} "
            "(tests/isolation/world.py)")
        shown_to_someone = False
        for role in ROLES:
            user = world.a.staff[role]
            response = get(client, user, index)
            if response.status_code != 200:
                assert refused(response), (admin.queue.key, role, response.status_code)
                continue
            shown_to_someone = True
            rows = rows_of(response)
            assert not rows.filter(region=world.b.region).exists(), (admin.queue.key, role)
            assert not world.b.numbers & set(rows.values_list("number", flat=True))
            for export in ("csv", "xlsx"):
                exported = get(client, user, index, export=export)
                assert exported.status_code == 200
                content = b"".join(exported.streaming_content) if exported.streaming \
                    else exported.content
                if export == "csv":
                    text = content.decode("utf-8-sig")
                    assert not [number for number in world.b.numbers if number in text], (
                        admin.queue.key, role)
        assert shown_to_someone, f"no role of region A sees the queue {admin.queue.key}"


def test_queue_object_urls_refuse_the_other_regions_messages(world, client):
    for admin, urls in model_admins().items():
        if not isinstance(admin, QueueAdmin):
            continue
        for url in urls:
            if "instance_pk" not in url.pattern:
                continue
            for appeal in world.b.appeals[:SAMPLE]:
                address = reverse(url.name, kwargs={"instance_pk": appeal.pk})
                for role in ROLES:
                    assert refused(get(client, world.a.staff[role], address)), (
                        url.name, role)


# --- region-scoped admins: reference data, settings, oversight ---------------------------


def region_q(admin, region: Region) -> dict:
    return {admin.region_lookup or "pk": region.pk}


def test_region_scoped_lists_hold_only_the_users_region(world, client):
    editor = world.a.staff[Role.EDITOR]
    scoped = [admin for admin in model_admins() if isinstance(admin, RegionScopedAdmin)]
    assert scoped
    for admin in scoped:
        index = reverse(admin.url_helper.get_action_url_name("index"))
        rows = rows_of(get(client, editor, index))
        assert not rows.filter(**region_q(admin, world.b.region)).exists(), index
        # What the platform's operator sees of region A, A's editor sees too (the lists
        # are narrowed to the region, not emptied).
        everything = rows_of(get(client, world.root, index))
        assert everything.filter(**region_q(admin, world.b.region)).exists() or (
            not everything.filter(**region_q(admin, world.a.region)).exists()), index
        assert set(rows) == set(everything.filter(**region_q(admin, world.a.region))), \
            index
        # Everyone else of region A reaches no list, or the same narrowed one.
        for role in ROLES:
            response = get(client, world.a.staff[role], index)
            if response.status_code == 200:
                assert not rows_of(response).filter(
                    **region_q(admin, world.b.region)).exists(), (index, role)
            else:
                assert refused(response), (index, role)


def test_region_scoped_object_urls_refuse_the_other_regions_rows(world, client):
    for admin, urls in model_admins().items():
        if not isinstance(admin, RegionScopedAdmin):
            continue
        theirs = list(admin.model._default_manager.filter(
            **region_q(admin, world.b.region)).order_by("pk")[:SAMPLE])
        ours = admin.model._default_manager.filter(
            **region_q(admin, world.a.region)).order_by("pk").first()
        for url in urls:
            if "instance_pk" not in url.pattern:
                continue
            for row in theirs:
                address = reverse(url.name, kwargs={"instance_pk": row.pk})
                for role in ROLES:
                    user = world.a.staff[role]
                    assert refused(get(client, user, address)), (url.name, role)
                    client.force_login(user)
                    posted = client.post(address, {})
                    assert refused(posted), (url.name, role, "POST")
            if ours is not None and url.action in ("edit", "inspect"):
                # The same URL opens the editor's own row: the refusals above are about
                # the region, not the URL.
                mine = reverse(url.name, kwargs={"instance_pk": ours.pk})
                response = get(client, world.a.staff[Role.EDITOR], mine)
                assert response.status_code == 200 or not getattr(
                    admin.permission_helper, f"can_{url.action}", True), url.name


# --- every other view, one by one ----------------------------------------------------------


def message_urls(world, client):
    for appeal in world.b.appeals:
        url = reverse("pos_messages:detail", args=[appeal.pk])
        for role in ROLES:
            assert get(client, world.a.staff[role], url).status_code == 404, role
    # A's own staff open A's messages (the 404 above is about the region).
    assert get(client, world.a.staff[Role.CURATOR],
               reverse("pos_messages:detail", args=[world.a.appeals[0].pk])
               ).status_code == 200


def message_actions(world, client):
    from cms.workflow.table import Action

    for appeal in world.b.appeals[:SAMPLE]:
        before = Appeal.objects.get(pk=appeal.pk).version
        for action in Action.values:
            url = reverse("pos_messages:act", args=[appeal.pk, action])
            for role in ROLES:
                client.force_login(world.a.staff[role])
                response = client.post(url, {"text": "x", "reason": "x"})
                assert response.status_code in (404, 403, 405), (action, role)
        assert Appeal.objects.get(pk=appeal.pk).version == before


def message_files(world, client):
    url = reverse("pos_messages:download", args=[world.b.attachment.public_id])
    for role in ROLES:
        assert get(client, world.a.staff[role], url).status_code == 404, role


def new_staff_account(world, client):
    editor = world.a.staff[Role.EDITOR]
    response = get(client, editor, reverse("staff_new"))
    assert response.status_code == 200
    offered = set(response.context["form"].fields["organisation"].queryset
                  .values_list("region_id", flat=True))
    assert offered == {world.a.region.pk}
    theirs = Organisation.objects.filter(region=world.b.region).first()
    client.force_login(editor)
    client.post(reverse("staff_new"), {
        "username": "planted", "email": "planted@example.org", "first_name": "П",
        "last_name": "П", "organisation": theirs.pk, "role": Role.MODERATOR})
    assert not StaffMembership.objects.filter(user__username="planted").exists()


def outbox_retry(world, client):
    theirs = Notification.objects.filter(appeal__region=world.b.region).first()
    assert theirs is not None
    url = reverse("pos_outbox_retry", args=[theirs.pk])
    for role in ROLES:
        client.force_login(world.a.staff[role])
        assert refused(client.post(url)), role


def region_settings(world, client):
    for role in ROLES:
        user = world.a.staff[role]
        response = get(client, user, reverse("region_settings_edit",
                                             args=[world.b.region.pk]))
        assert response.status_code == 404, role
        chooser = get(client, user, reverse("region_settings"))
        if chooser.status_code == 302:
            assert str(world.b.region.pk) not in chooser["Location"].rsplit("/", 2)[-2:]
        else:
            assert chooser.status_code == 404, role


def region_readiness(world, client):
    for role in ROLES:
        user = world.a.staff[role]
        response = get(client, user, reverse("region_readiness_detail",
                                             args=[world.b.region.pk]))
        assert response.status_code == 404, role
        chooser = get(client, user, reverse("region_readiness"))
        if chooser.status_code == 200:
            regions = chooser.context.get("regions") or []
            assert world.b.region not in list(regions), role


def widget_snippets(world, client):
    theirs = set(Organisation.objects.filter(region=world.b.region)
                 .values_list("pk", flat=True))
    for role in ROLES:
        response = get(client, world.a.staff[role], reverse("portal_widget_snippets"))
        if response.status_code != 200:
            assert refused(response), role
            continue
        shown = {row["organisation"].pk for region in response.context["regions"]
                 for row in region["rows"]}
        assert not shown & theirs, role


def deactivate_user(world, client):
    for target in world.b.staff.values():
        url = reverse("pos_deactivate_user", args=[target.pk])
        for role in ROLES:
            client.force_login(world.a.staff[role])
            assert refused(client.post(url)), role
        target.refresh_from_db()
        assert target.is_active


def try_routing(world, client):
    editor = world.a.staff[Role.EDITOR]
    response = get(client, editor, reverse("routing_try"))
    assert response.status_code == 200
    offered = set(response.context["form"].fields["region"].queryset)
    assert offered == {world.a.region}
    asked = get(client, editor, reverse("routing_try"), region=world.b.region.pk,
                category=world.b.appeals[0].category_id,
                subcategory=world.b.appeals[0].subcategory_id,
                territory=world.b.appeals[0].territory_id)
    assert asked.status_code == 200
    assert asked.context["form"].errors.get("region")


def rating_actions(world, client):
    for name in ("rating_admin:reopen", "rating_admin:close_review"):
        for appeal in world.b.appeals:
            url = reverse(name, args=[appeal.pk])
            for role in ROLES:
                client.force_login(world.a.staff[role])
                assert client.post(url, {"reason": "x"}).status_code in (404, 403, 405)


def reject_duplicate(world, client):
    for appeal in world.b.appeals[:SAMPLE]:
        url = reverse("reports_reject_duplicate", args=[appeal.pk])
        for role in ROLES:
            client.force_login(world.a.staff[role])
            response = client.post(url, {"original": world.b.appeals[-1].number})
            assert response.status_code in (404, 403, 405), role


def report_messages(world, client):
    for role in ROLES:
        response = get(client, world.a.staff[role], reverse("reports_admin:messages"))
        if response.status_code != 200:
            assert refused(response), role
            continue
        numbers = {appeal.number for appeal in response.context["page"].paginator
                   .object_list}
        assert not numbers & world.b.numbers, role
        assert numbers & world.a.numbers, role


def reports(world, client):
    """A region's reports and their files name none of region B's messages."""
    from plugins.reports.registry import REPORTS

    curator = world.a.staff[Role.CURATOR]
    assert get(client, curator, reverse("reports_admin:index")).status_code == 200
    for report in REPORTS:
        response = get(client, curator, reverse("reports_admin:report", args=[report.key]))
        assert response.status_code == 200
        exported = get(client, curator, reverse("reports_admin:export",
                                                 args=[report.key, "csv"]))
        assert exported.status_code == 200
        for number in world.b.numbers:
            assert number.encode() not in exported.content, report.key
    for role in ROLES:
        if role == Role.CURATOR:
            continue
        response = get(client, world.a.staff[role], reverse("reports_admin:index"))
        assert response.status_code in (200, *REFUSED)


def national_classifier_script(world, client):
    """Django's JavaScript catalogue for the modeladmin pages: no region's data."""
    response = get(client, world.a.staff[Role.EDITOR],
                   reverse("wagtail_modeladmin:javascript_catalog"))
    assert response.status_code == 200
    assert world.b.region.name.encode() not in response.content


def national_view(world, client):
    """The roll-up across regions is the national operators' (tests/national): no
    region's staff reach it."""
    for role in ROLES:
        assert refused(get(client, world.a.staff[role], reverse("pos_national"))), role


def superusers_only(world, client):
    """The test plugin's own admin page: the platform's operators only."""
    for role in ROLES:
        response = get(client, world.a.staff[role], reverse("example_plugin_admin"))
        assert refused(response), role


# Each view that is not a model admin's, and how it is tried across the two regions.
VIEW_CHECKS = {
    "pos_messages:detail": message_urls,
    "pos_messages:act": message_actions,
    "pos_messages:download": message_files,
    "staff_new": new_staff_account,
    "pos_outbox_retry": outbox_retry,
    "region_settings": region_settings,
    "region_settings_edit": region_settings,
    "region_readiness": region_readiness,
    "region_readiness_detail": region_readiness,
    "portal_widget_snippets": widget_snippets,
    "pos_deactivate_user": deactivate_user,
    "routing_try": try_routing,
    "rating_admin:reopen": rating_actions,
    "rating_admin:close_review": rating_actions,
    "reports_reject_duplicate": reject_duplicate,
    "reports_admin:index": reports,
    "reports_admin:report": reports,
    "reports_admin:export": reports,
    "reports_admin:messages": report_messages,
    "wagtail_modeladmin:javascript_catalog": national_classifier_script,
    "example_plugin_admin": superusers_only,
    "pos_national": national_view,
}

KNOWN_LEAKS: set[str] = set()


@pytest.mark.parametrize("check", sorted(set(VIEW_CHECKS.values()),
                                         key=lambda check: check.__name__),
                         ids=lambda check: check.__name__)
def test_every_other_view_refuses_the_other_region(check, world, client, request):
    names = {name for name, found in VIEW_CHECKS.items() if found is check}
    if names & KNOWN_LEAKS:
        request.applymarker(pytest.mark.xfail(
            strict=True, reason=f"{sorted(names & KNOWN_LEAKS)}: fix requested"))
    check(world, client)


def test_urls_are_found_with_their_models():
    """The walk itself: it sees the queues, the reference data and a plugin's admin."""
    names = {url.name for url in admin_urls()}
    assert "queues_region_modeladmin_index" in names
    assert "cms_organisation_modeladmin_edit" in names
    assert any(re.match(r"routing_.*_modeladmin_index", name or "") for name in names)


def test_the_menus_and_dashboards_counts_are_the_users_regions(world, client):
    """Every queue's count (the menu's and the dashboard's, one statement per page) is
    the number of the user's own rows: region B's messages add nothing to it."""
    from cms.staff_admin.queues import registered_queues

    for role in ROLES:
        user = world.a.staff[role]
        response = get(client, user, reverse("wagtailadmin_home"))
        assert response.status_code == 200
        counts = response.wsgi_request.__dict__.get("_pos_queue_counts", {})
        for queue in registered_queues():
            if queue.key not in counts:
                continue
            rows = queue.queryset(user)
            assert not rows.filter(region=world.b.region).exists(), (role, queue.key)
            assert counts[queue.key] == min(rows.count(), 1000), (role, queue.key)
        assert counts or role == Role.EDITOR, role
