"""Queues, export columns and menu links are declared by plugins, collected once per
plugin manager, and refused at start-up when two plugins claim one key."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from cms.kernel.hookspecs import AdminMenuItem, QueueColumn, StaffQueue
from cms.kernel.plugins import build_plugin_manager, hookimpl
from cms.models import Role, Status
from cms.staff_admin.plugin_extensions import export_cells, plugin_menu_items
from cms.staff_admin.queues import registered_queues
from tests.workflow.builders import demo_staff, fresh, message

CORE_KEYS = ["moderation", "inbox", "mine", "approval", "overdue", "region"]


def manager_with(*plugins):
    """A manager with the core and the given plugin objects, nothing installed."""
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    for position, plugin in enumerate(plugins):
        pm.register(plugin, name=f"plugin-{position}")
    return pm


class SecondModerationQueue:
    @hookimpl
    def staff_queues(self):
        return [StaffQueue("moderation", "Moderation again", frozenset({Role.MODERATOR}))]


class QueueInAnUnknownGroup:
    @hookimpl
    def staff_queues(self):
        return [StaffQueue("lost", "Lost", frozenset({Role.CURATOR}), menu_group="nowhere")]


class TwoColumnsOneKey:
    @hookimpl
    def appeal_export_columns(self):
        column = QueueColumn("same", "Same", value=lambda appeal: appeal.pk)
        return [column, column]


def test_the_core_declares_its_queues_through_the_hook():
    queues = registered_queues(manager_with())
    assert [queue.key for queue in queues] == CORE_KEYS
    assert {queue.plugin for queue in queues} == {"core"}


def test_a_queue_key_declared_twice_stops_the_start_up():
    with pytest.raises(ImproperlyConfigured, match="'moderation'.*'core'.*'plugin-0'"):
        registered_queues(manager_with(SecondModerationQueue()))


def test_a_queue_in_a_group_that_does_not_exist_stops_the_start_up():
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        registered_queues(manager_with(QueueInAnUnknownGroup()))


def test_an_export_column_key_declared_twice_stops_the_start_up():
    with pytest.raises(ImproperlyConfigured, match="'same'"):
        export_cells(manager_with(TwoColumnsOneKey()))


def test_a_plugins_queue_lists_only_regions_where_the_plugin_is_on(demo):
    class Rejected:
        @hookimpl
        def staff_queues(self):
            return [StaffQueue("rejected", "Rejected", frozenset({Role.CURATOR}),
                               frozenset({Status.REJECTED}))]

    queue = next(queue for queue in registered_queues(manager_with(Rejected()))
                 if queue.key == "rejected")
    rejected = message(Status.REJECTED)
    message(Status.IN_WORK)
    curator = demo_staff()["curator"]
    assert list(queue.queryset(curator)) == [rejected]
    demo.disabled_plugins = [queue.plugin]
    demo.save()
    # The next request (its own user object: what the admin shell read is the request's).
    assert not queue.queryset(fresh(curator)).exists()


def test_menu_links_of_a_group_in_order_with_who_sees_them(demo):
    class Links:
        @hookimpl
        def admin_menu_items(self):
            return [
                AdminMenuItem("reference", "Second", "/second/", order=2),
                AdminMenuItem("reference", "First", "/first/", order=1,
                              is_shown=lambda request: request.user.is_superuser),
                AdminMenuItem("oversight", "Elsewhere", "/elsewhere/"),
            ]

    items = plugin_menu_items("reference", after=6, pm=manager_with(Links()))
    assert [(item.label, item.url, item.order) for item in items] == [
        ("First", "/first/", 7), ("Second", "/second/", 8)]
    request = RequestFactory().get("/admin/")
    request.user = demo_staff()["editor"]
    assert [item.is_shown(request) for item in items] == [False, True]


def test_a_queue_is_listed_in_the_menu_group_it_names(monkeypatch):
    from cms.staff_admin import queues
    from cms.staff_admin.oversight import OversightGroup
    from cms.staff_admin.reference import ReferenceGroup

    class Watched:
        @hookimpl
        def staff_queues(self):
            return [StaffQueue("watched", "Watched", frozenset({Role.CURATOR}),
                               menu_group="oversight")]

    declared = registered_queues(manager_with(Watched()))
    monkeypatch.setattr(queues, "registered_queues", lambda: declared)
    listed_in = {
        group.__name__: [admin.queue.key for admin in group().modeladmin_instances
                         if isinstance(admin, queues.QueueAdmin)]
        for group in (queues.QueuesGroup, OversightGroup, ReferenceGroup)}
    assert listed_in == {"QueuesGroup": CORE_KEYS, "OversightGroup": ["watched"],
                         "ReferenceGroup": []}
