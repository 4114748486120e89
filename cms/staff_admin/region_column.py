"""Which region a row is of, for staff whose scope spans several regions.

A person may hold roles in two regions (a moderator of both, an editor of both, a
platform operator). Then every queue and region-scoped list offers a region filter and
shows each row's region; with one region neither is shown, as it would say nothing.

The queues ask the user's staff regions (`shell.staff_region_ids`, read with the shell's
one statement per request); the region-scoped admins ask the regions the user
configures (`configurable_regions`). The regions' names are remembered per process
(`shell.remembered`), so neither costs a query of its own on a page.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cms.models import Region
from cms.permissions.policy import configurable_regions

from . import shell


def _names(user) -> tuple[tuple[int, str], ...]:
    """(pk, name) of every region, by name, in the active language."""
    from django.utils.translation import get_language

    return shell.remembered(shell.state(user), "region-names", get_language(), lambda: tuple(
        (region.pk, str(region)) for region in Region.objects.order_by("name")))


def staff_region_choices(user) -> tuple[tuple[int, str], ...]:
    """The regions of the user's staff grants (every region for a superuser)."""
    if not shell.is_staff_user(user):
        return ()
    ids = shell.staff_region_ids(user)
    names = _names(user)
    return names if ids is None else tuple((pk, name) for pk, name in names if pk in ids)


def configured_region_choices(user) -> tuple[tuple[int, str], ...]:
    """The regions the user configures (region-scoped admins)."""
    if not shell.is_staff_user(user):
        return ()
    ids = {region.pk for region in configurable_regions(user)}
    return tuple((pk, name) for pk, name in _names(user) if pk in ids)


class RegionFilter(admin.SimpleListFilter):
    """The user's regions; shown only when there are several (`choices_for` decides
    which regions a list offers, `lookup` where a row's region is). The list is already
    within the user's regions, so another region's id finds nothing."""

    title = _("region")
    parameter_name = "region"
    lookup = "region"

    @staticmethod
    def choices_for(user) -> tuple[tuple[int, str], ...]:
        return staff_region_choices(user)

    def lookups(self, request, model_admin):
        choices = self.choices_for(request.user)
        return list(choices) if len(choices) > 1 else []

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(**{self.lookup: self.value()})


def region_filter_for(region_lookup: str) -> type[RegionFilter]:
    """A region filter for a region-scoped admin's rows (region at `region_lookup`,
    "" for the region itself), offering the regions the user configures."""
    class ConfiguredRegionFilter(RegionFilter):
        lookup = region_lookup or "pk"

        @staticmethod
        def choices_for(user):
            return configured_region_choices(user)

    return ConfiguredRegionFilter


def spans_regions(user) -> bool:
    """Whether the user's staff scope covers more than one region (the queues)."""
    return len(staff_region_choices(user)) > 1


def configures_regions(user) -> bool:
    """Whether the user configures more than one region (the region-scoped lists)."""
    return len(configured_region_choices(user)) > 1
