"""The staff queues: one wagtail-modeladmin listing per queue, each in the menu of the
users whose roles give it, with its count.

Queues are declared through the `staff_queues` hook, the core's own too
(`core_queues.py`), and collected once at start-up (`registered_queues`). A queue is the
permission policy's scope of its roles (`appeals_for_roles`), narrowed by status and the
queue's condition; a plugin's queue, to the regions where the plugin is on. Lists sort
fast-tracked messages first, then by deadline; a list page makes the same number of
queries whatever its size (related rows, the queue's columns' too, come in the page's
one query). Exports add every plugin's `appeal_export_columns`.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.core.paginator import InvalidPage
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.helpers.search import BaseSearchHandler
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.templatetags.modeladmin_tags import admin_list_filter
from wagtail_modeladmin.views import IndexView

from cms import audit, regiontime
from cms.kernel.hookspecs import StaffQueue
from cms.kernel.plugins import (
    ESSENTIAL_PLUGIN_NAMES,
    declarations,
    enabled_region_ids,
    get_plugin_manager,
)
from cms.models import Appeal, AuditKind, Subcategory, Territory
from cms.permissions.policy import appeals_for_roles, reading_roles

from . import shell
from .core_queues import overdue_q
from .display import time_left
from .exports import QueueExportMixin
from .phrases import ModelPhrases, PhrasedAdmin, PhrasedIndexView
from .plugin_extensions import (
    QUEUE_MENU_GROUPS,
    ColumnCell,
    export_cells,
    export_select_related,
    plugin_menu_items,
)
from .region_column import RegionFilter, spans_regions


@dataclass(frozen=True)
class Queue(StaffQueue):
    """A declared `StaffQueue`, with the plugin that declared it and what it lists."""

    plugin: str = "core"

    @classmethod
    def declared_by(cls, plugin_name: str, queue: StaffQueue) -> Queue:
        values = {field.name: getattr(queue, field.name) for field in fields(StaffQueue)}
        return cls(plugin=plugin_name, **values)

    def is_shown_to(self, user) -> bool:
        return bool(self.roles & reading_roles(user))

    def queryset(self, user) -> QuerySet[Appeal]:
        """The scopes of the queue's roles the user holds (the permission policy's),
        narrowed by the queue; a plugin's queue, to the regions where it is on."""
        appeals = appeals_for_roles(user, self.roles)
        if self.statuses is not None:
            appeals = appeals.filter(status__in=self.statuses)
        if self.where is not None:
            appeals = appeals.filter(self.where(timezone.now()))
        if self.assigned_only:
            appeals = appeals.filter(executor=user)
        if self.plugin not in ESSENTIAL_PLUGIN_NAMES:
            # Staff ask on every admin page (the menu's count): remembered per version.
            regions = (shell.plugin_region_ids(user, self.plugin) if shell.is_staff_user(user)
                       else enabled_region_ids(self.plugin))
            appeals = appeals.filter(region_id__in=regions)
        return appeals


@lru_cache(maxsize=4)
def _queues_of(pm) -> tuple[Queue, ...]:
    found = declarations(pm.hook.staff_queues, "staff queue")
    for plugin_name, queue in found:
        if queue.menu_group not in QUEUE_MENU_GROUPS:
            raise ImproperlyConfigured(
                f"The plugin {plugin_name!r} lists its queue {queue.key!r} in the menu "
                f"group {queue.menu_group!r}; queues go in one of {QUEUE_MENU_GROUPS}.")
    queues = [Queue.declared_by(plugin_name, queue) for plugin_name, queue in found]
    return tuple(sorted(queues, key=lambda queue: queue.order))


def registered_queues(pm=None) -> tuple[Queue, ...]:
    """Every registered plugin's queues (the core's among them), in menu order; collected
    once per plugin manager. A key declared twice raises ImproperlyConfigured."""
    return _queues_of(pm or get_plugin_manager())


class _RegisteredQueues(collections.abc.Sequence):
    """`QUEUES`: the bench harness's (../shared/bench) stable name for the registered
    queues; lazy, since the plugins are collected after import."""

    def __getitem__(self, index):
        return registered_queues()[index]

    def __len__(self):
        return len(registered_queues())


QUEUES = _RegisteredQueues()


# --- filters ---------------------------------------------------------------------------


class SubcategoryFilter(admin.SimpleListFilter):
    """Offered once a category is chosen (314 subcategories in one list help nobody)."""

    title = _("subcategory")
    parameter_name = "subcategory"

    def lookups(self, request, model_admin):
        category = request.GET.get("category__id__exact", "")
        if not category.isdigit():
            return []
        return [(sub.pk, f"{sub.code} {sub}")
                for sub in Subcategory.objects.filter(category_id=category)]

    def queryset(self, request, queryset):
        return queryset.filter(subcategory_id=self.value()) if self.value() else queryset


class CategoryFilter(admin.SimpleListFilter):
    """The classifier's categories (remembered per process, `shell.categories`), under the
    parameter Django's filter of the field used, which `SubcategoryFilter` reads."""

    title = Appeal._meta.get_field("category").verbose_name
    parameter_name = "category__id__exact"

    def lookups(self, request, model_admin):
        return [(category.pk, str(category)) for category in shell.categories(request.user)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(category_id=self.value())


class TerritoryFilter(admin.SimpleListFilter):
    """A territory and everything under it (a materialised-path prefix); choices from
    the user's regions only (remembered per process, `shell.territory_choices`)."""

    title = _("territory")
    parameter_name = "territory"

    def lookups(self, request, model_admin):
        return [(pk, "— " * (depth - 1) + name)
                for pk, depth, name in shell.territory_choices(request.user)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        territory = Territory.objects.filter(pk=self.value()).first()
        if territory is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=territory.path)


class OrganisationFilter(admin.SimpleListFilter):
    """Choices from the user's regions only (`shell.organisation_choices`)."""

    title = _("organisation")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        return list(shell.organisation_choices(request.user))

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(organisation_id=self.value())


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(overdue_q(timezone.now()))
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"
    WINDOWS: ClassVar[dict[str, dt.timedelta]] = {"1d": dt.timedelta(days=1), "3d": dt.timedelta(days=3),
               "7d": dt.timedelta(days=7)}

    def lookups(self, request, model_admin):
        return [("1d", _("Within a day")), ("3d", _("Within 3 days")),
                ("7d", _("Within a week")), ("later", _("Later than a week"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() in self.WINDOWS:
            return queryset.filter(deadline__gte=now,
                                   deadline__lt=now + self.WINDOWS[self.value()])
        if self.value() == "later":
            return queryset.filter(deadline__gte=now + self.WINDOWS["7d"])
        return queryset


class DeadlineRangeFilter(admin.ListFilter):
    """A deadline between two dates (either may be left empty)."""

    title = _("deadline between")
    template = "staff_admin/deadline_range_filter.html"
    parameters = ("deadline_from", "deadline_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request
        self.values = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def _day(self, name) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.values.get(name, ""))
        except ValueError:
            return None

    def queryset(self, request, queryset):
        start, end = self._day("deadline_from"), self._day("deadline_to")
        if not (start or end):
            return queryset
        tz = regiontime.staff_zone(request.user)  # the days the staff member reads
        if start:
            queryset = queryset.filter(
                deadline__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
        if end:
            queryset = queryset.filter(
                deadline__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min,
                                                 tzinfo=tz))
        return queryset

    def choices(self, changelist):
        keep = [(key, value) for key, value in self.request.GET.items()
                if key not in self.parameters and key != IndexView.PAGE_VAR]
        yield {"values": self.values, "keep": keep}


# --- the listing -----------------------------------------------------------------------


# The list's column of the message's region (`QueueAdmin.region_name`).
REGION_COLUMN = "region_name"
# The message's own long fields, which no core column of a list shows.
LONG_FIELDS = ("text", "citizen_snapshot", "extra_answers")
# What an empty cell shows (modeladmin's default).
EMPTY = "-"

NUMBER_RE = re.compile(r"^[A-Za-z0-9]+-\d{4}-\d+$")


class NumberOrTextSearch(BaseSearchHandler):
    """By registration number (whole, or its last digits) or by words of the text.

    A whole number is an exact match on the indexed (region, number) key.
    """

    def search_queryset(self, queryset, search_term, **kwargs):
        term = search_term.strip()
        if not term:
            return queryset
        if NUMBER_RE.match(term):
            return queryset.filter(number=term.upper())
        if term.isdigit():
            return queryset.filter(Q(number__endswith=f"-{term.zfill(6)}")
                                   | Q(number__endswith=term) | Q(text__icontains=term))
        return queryset.filter(text__icontains=term)


class QueuePermissionHelper(PermissionHelper):
    """Listing only: messages change through the workflow on their own page."""

    queue: Queue

    def user_can_list(self, user):
        shell.prime(user)  # the first thing a queue's page asks: the shell's one query
        return self.queue.is_shown_to(user)

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class QueueButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None,
                            classnames_exclude=None):
        return [{
            "url": reverse("pos_messages:detail", kwargs={"pk": obj.pk}),
            "label": _("Open"),
            "classname": "button button-small button-secondary",
            "title": _("Open message %(number)s") % {"number": obj.number},
        }]


class QueueIndexView(QueueExportMixin, PhrasedIndexView):
    def get_page_title(self):
        return self.model_admin.queue.label

    def get_filters(self, request):
        # Only what the filters understand: a query string is never a free-form lookup.
        specs, has_filters, _remaining, use_distinct = super().get_filters(request)
        return specs, has_filters, {}, use_distinct

    def apply_select_related(self, qs):
        queryset = super().apply_select_related(qs)
        if self.export not in self.FORMATS and not self.model_admin.queue.columns:
            # The core's rows show none of the long fields (a plugin's column may read
            # any, and so may an export): they stay in the table.
            queryset = queryset.defer(*LONG_FIELDS)
        if self.export in self.FORMATS:
            # The export's own columns and the plugins' read these: one query for the
            # whole file.
            queryset = queryset.select_related(*self.model_admin.export_select_related,
                                               *export_select_related())
        return queryset

    def get_context_data(self, **kwargs):
        # Counting a big queue is the costly part of its page: count once, and count the
        # unfiltered queue again only when a filter or a search narrowed the list.
        queryset = self.queryset
        result_count = queryset.count()
        narrowed = bool(self.query) or bool(self.get_filters_params())
        paginator = self.paginator_class(queryset, self.items_per_page)
        paginator.__dict__["count"] = result_count
        try:
            page_obj = paginator.page(self.page_num)
        except InvalidPage:
            page_obj = paginator.page(1)
        if not narrowed:
            # The menu's entry of this queue says the same number (`QueueMenuItem`).
            self.request.__dict__.setdefault("_pos_queue_counts", {})[
                self.model_admin.queue.key] = result_count
        context = {
            "view": self,
            "result_headers": list(result_headers(self)),
            "rows": self.rows(page_obj.object_list),
            "all_count": self.get_base_queryset().count() if narrowed else result_count,
            "result_count": result_count,
            "paginator": paginator,
            "page_obj": page_obj,
            "elided_page_range": paginator.get_elided_page_range(self.page_num),
            "object_list": page_obj.object_list,
            "user_can_create": False,
            "show_search": self.search_handler.show_search_form,
            **kwargs,
        }
        return super(IndexView, self).get_context_data(**context)

    def filters_html(self) -> str:
        """The filters panel, rendered once per process for the same regions, language
        and query string (its choices are the shell's remembered lists; `shell.remembered`
        forgets it when any of them changes)."""
        user = self.request.user
        key = (self.model_admin.queue.key, get_language(), shell.staff_region_ids(user),
               self.request.GET.urlencode())
        return shell.remembered(shell.state(user), "queue-filters", key, lambda: mark_safe(
            "".join(admin_list_filter(self, spec) for spec in self.filter_specs)))

    def get_template_names(self):
        return ["staff_admin/queue_index.html"]

    def rows(self, appeals) -> list[dict]:
        """The page's rows as the plain row template (`staff_admin/queue_rows.html`)
        shows them: every cell worked out here, in the order of the list's headers."""
        now = timezone.now()
        detail_prefix = reverse("pos_messages:detail", kwargs={"pk": 0})[:-2]
        open_title = gettext("Open message %(number)s")
        queue_cells = self.model_admin.queue_cells
        # The region's column, when the list has it (`QueueAdmin.get_list_display`).
        shows_region = REGION_COLUMN in self.list_display
        rows = []
        for appeal in appeals:
            left = time_left(appeal, now)
            rows.append({
                "url": f"{detail_prefix}{appeal.pk}/",
                "number": appeal.number,
                "region": appeal.region if shows_region else None,
                "open_title": open_title % {"number": appeal.number},
                "is_fast_track": appeal.is_fast_track,
                "status": appeal.get_status_display(),
                "subcategory": appeal.subcategory or EMPTY,
                "territory": appeal.territory or EMPTY,
                "organisation": appeal.organisation or EMPTY,
                "left": left.text,
                "is_overdue": left.is_overdue,
                "due": regiontime.format_datetime(appeal.deadline, appeal.region),
                "cells": [(cell.__name__, display_for_value(cell(appeal), EMPTY))
                          for cell in queue_cells],
            })
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        audit.record(kind=AuditKind.EXPORT,
                     what=f"{self.model_admin.queue.key}.{spreadsheet_format}",
                     actor=self.request.user,
                     data={"query": self.request.GET.urlencode(),
                           "count": queryset.count()})
        return super().as_spreadsheet(queryset, spreadsheet_format)


# The menu is on every admin page: past this many messages a queue's entry says "999+",
# so its count reads at most this many index entries instead of a region's million.
MENU_COUNT_CAP = 999


def counted_label(label, appeals: QuerySet[Appeal] | int) -> str:
    """The label with the number of messages (a queryset counted up to the cap, or a
    number already counted)."""
    count = appeals if isinstance(appeals, int) else appeals[:MENU_COUNT_CAP + 1].count()
    if not count:
        return str(label)
    shown = f"{MENU_COUNT_CAP}+" if count > MENU_COUNT_CAP else str(count)
    return f"{label} ({shown})"


def capped_counts(querysets: dict[str, QuerySet[Appeal]]) -> dict[str, int]:
    """Each queryset counted up to the cap past `MENU_COUNT_CAP`, all in one statement."""
    counts, parts, params = {}, [], []
    for key, appeals in querysets.items():
        capped = appeals.order_by().values("pk")[:MENU_COUNT_CAP + 1]
        try:
            sql, part_params = capped.query.get_compiler(using=capped.db).as_sql()
        except EmptyResultSet:  # a scope the user does not hold: nothing to count
            counts[key] = 0
            continue
        parts.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS capped_{len(parts)})"))
        params.extend(part_params)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(part for _key, part in parts)}", params)
            counts.update(zip((key for key, _part in parts), cursor.fetchone(), strict=True))
    return counts


def menu_counts(request) -> dict[str, int]:
    """The number of messages in each counted queue the user sees, for the menu: what
    the page counted already (`QueueIndexView`), the others in one statement."""
    counts = request.__dict__.setdefault("_pos_queue_counts", {})
    if not request.__dict__.get("_pos_menu_counted"):
        request._pos_menu_counted = True
        user = request.user
        counts.update(capped_counts({
            queue.key: queue.queryset(user) for queue in registered_queues()
            if queue.counted and queue.key not in counts and queue.is_shown_to(user)}))
    return counts


class QueueMenuItem(ModelAdminMenuItem):
    """The queue's menu entry, with the number of messages in it."""

    def is_shown(self, request):
        shell.prime(request.user)
        return super().is_shown(request)

    def render_component(self, request):
        queue = self.model_admin.queue
        label = self.label
        # A queue whose plugin left the process's registry (its menu entry stays
        # registered with Wagtail) is listed without a count.
        count = menu_counts(request).get(queue.key) if queue.counted else None
        if count is not None:
            label = counted_label(self.label, count)
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name,
                                     classname=self.classname, attrs=self.attrs)


class QueueAdmin(PhrasedAdmin, ModelAdmin):
    model = Appeal
    phrases = ModelPhrases(
        count=ngettext_lazy("%(count)s message", "%(count)s messages", "count"))
    queue: Queue
    index_view_class = QueueIndexView
    button_helper_class = QueueButtonHelper
    search_handler_class = NumberOrTextSearch
    list_display = ("number_link", "status", "subcategory", "territory", "organisation",
                    "deadline_left")
    list_display_add_buttons = "number_link"
    list_filter = (
        RegionFilter, "status", CategoryFilter, SubcategoryFilter, TerritoryFilter,
        OrganisationFilter, "is_fast_track", OverdueFilter, DeadlineFilter, DeadlineRangeFilter, "channel",
    )
    list_select_related = ("subcategory", "territory", "organisation", "region")
    list_per_page = 50
    list_export = ("number", "status", "category", "subcategory", "territory",
                   "organisation", "deadline", "is_fast_track", "is_overdue", "created_at")
    export_select_related = ("category", "region")
    # Fast tracks first, then the nearest deadline.
    ordering = ("-is_fast_track", "deadline")
    history_view_enabled = False

    def __init__(self, parent=None):
        self.permission_helper_class = type(
            f"{self.queue.key.title()}PermissionHelper", (QueuePermissionHelper,),
            {"queue": self.queue})
        self.base_url_path = f"queues/{self.queue.key}"
        self.menu_label = self.queue.label
        self.menu_icon = self.queue.icon
        # The queue's own columns follow the core's, in the list and in the export; the
        # rows they read come in the page's one query.
        self.queue_cells = tuple(ColumnCell(column) for column in self.queue.columns)
        self.list_display = (*self.list_display, *self.queue_cells)
        self.list_select_related = tuple(dict.fromkeys((
            *self.list_select_related,
            *(name for column in self.queue.columns for name in column.select_related))))
        super().__init__(parent)

    def get_list_display(self, request):
        # Each row says its region when the user's messages span several.
        if spans_regions(request.user):
            first, *rest = self.list_display
            return (first, REGION_COLUMN, *rest)
        return self.list_display

    def get_list_export(self, request):
        region = ("region",) if spans_regions(request.user) else ()
        return (*self.list_export[:1], *region, *self.list_export[1:], *self.queue_cells,
                *export_cells())

    def get_queryset(self, request):
        annotations = {name: expression for column in self.queue.columns
                       if column.annotations is not None
                       for name, expression in column.annotations().items()}
        return self.queue.queryset(request.user).annotate(**annotations).order_by(
            *self.ordering)

    def get_menu_item(self, order=None):
        return QueueMenuItem(self, order or self.get_menu_order())

    def get_permissions_for_registration(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.none()

    def register_admin_url_finders(self):
        # The message page is the one place a message is opened from.
        pass

    def register_indexing(self):
        pass

    @admin.display(description=_("Number"), ordering="number")
    def number_link(self, obj):
        badge = format_html(' <span class="pos-badge" title="{}">⚡ {}</span>',
                            _("Fast track"), _("fast")) if obj.is_fast_track else ""
        return format_html('<a href="{}">{}</a>{}',
                           reverse("pos_messages:detail", kwargs={"pk": obj.pk}),
                           obj.number, badge)

    @admin.display(description=_("region"), ordering="region__name")
    def region_name(self, obj):
        return obj.region

    @admin.display(description=_("Deadline"), ordering="deadline")
    def deadline_left(self, obj):
        left = time_left(obj)
        due = regiontime.format_datetime(obj.deadline, obj.region)
        if left.is_overdue:
            return format_html('<span title="{}" style="color:#cd4444;font-weight:700">{}</span>',
                               due, left.text)
        return format_html('<span title="{}">{}</span>', due, left.text)


def queue_admin(queue: Queue) -> type[QueueAdmin]:
    name = "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", queue.key))
    return type(f"{name}QueueAdmin", (QueueAdmin,), {"queue": queue})


def queue_admins(menu_group: str) -> tuple[type[QueueAdmin], ...]:
    """The listings of the registered queues of one menu group, in menu order."""
    return tuple(queue_admin(queue) for queue in registered_queues()
                 if queue.menu_group == menu_group)


class QueuesGroup(ModelAdminGroup):
    """The "Messages" group: every queue listed in it, then the plugins' links."""

    menu_label = _("Messages")
    menu_icon = "mail"
    menu_order = 100

    def __init__(self):
        # Built when Wagtail registers the group (start-up), from every plugin's queues.
        self.items = queue_admins("messages")
        super().__init__()

    def get_submenu_items(self):
        items = super().get_submenu_items()
        return [*items, *plugin_menu_items("messages", after=len(items))]
