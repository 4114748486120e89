"""The one base of model admins whose rows belong to a region: each region's editors see
and change only their own regions' rows; superusers see every row.

The core's reference data and staff memberships, the processing oversight (outbox, audit
trail, rejection reasons) and the plugins' settings (routing rules, fast tracks, the
calendar) all use it, so "which regions may this user configure" has one answer:
`cms.permissions.policy.configurable_regions`.

An admin names where its rows' region is (`region_lookup`, "" for the region itself) and
what may be done besides listing (`allow_create`, `allow_edit`, `allow_delete`; inspecting
follows `inspect_view_enabled`).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from cms.permissions.policy import configurable_regions

from .phrases import PhrasedAdmin
from .region_column import configures_regions, region_filter_for


def configures_a_region(user) -> bool:
    """Whether the user may configure at least one region (who reaches these admins)."""
    return bool(configurable_regions(user))


def region_id_of(obj, region_lookup: str) -> int | None:
    """The region id at the end of a lookup path like "organisation__region" ("" for a
    region itself). The list views select the related rows this walks."""
    if not region_lookup:
        return obj.pk
    *path, last = region_lookup.split("__")
    for step in path:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def names_regional_rows(model, field_path: str) -> bool:
    """Whether a list filter on `field_path` offers rows that belong to a region."""
    field = get_fields_from_path(model, field_path)[-1]
    related = getattr(field, "related_model", None)
    return related is not None and any(
        other.name == "region" for other in related._meta.get_fields())


def in_configurable_regions(user, region_lookup: str) -> Q:
    """A filter on rows whose region is at `region_lookup` ("" for a region itself).

    A superuser's is empty: every row, those with no region too (an audit record of an
    export, which names no message)."""
    if user.is_superuser and user.is_active:
        return Q()
    return Q(**{f"{region_lookup or 'pk'}__in": configurable_regions(user)})


class RegionScopedPermissionHelper(PermissionHelper):
    """Listing needs a region to configure; a row may be touched when it is in the list.

    The switches are set from the admin (`RegionScopedAdmin.allow_*`).
    """

    region_lookup = "region"
    can_create = can_edit = can_delete = True

    def _in_users_regions(self, user, obj) -> bool:
        """As `in_configurable_regions`, for one row already read (no query per row)."""
        region_id = region_id_of(obj, self.region_lookup)
        if region_id is None:
            return user.is_superuser and user.is_active
        return any(region.pk == region_id for region in configurable_regions(user))

    def user_can_list(self, user):
        return configures_a_region(user)

    def user_can_create(self, user):
        return self.can_create and self.user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self._in_users_regions(user, obj)

    def user_can_edit_obj(self, user, obj):
        return self.can_edit and self._in_users_regions(user, obj)

    def user_can_delete_obj(self, user, obj):
        return self.can_delete and self._in_users_regions(user, obj)


class RegionScopedAdmin(PhrasedAdmin, ModelAdmin):
    """A ModelAdmin limited to the regions the user may configure."""

    permission_helper_class = RegionScopedPermissionHelper
    region_lookup = "region"
    allow_create = True
    allow_edit = True
    allow_delete = True
    history_view_enabled = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = self.permission_helper
        helper.region_lookup = self.region_lookup
        helper.can_create = self.allow_create
        helper.can_edit = self.allow_edit
        helper.can_delete = self.allow_delete

    def get_queryset(self, request):
        rows = super().get_queryset(request).filter(
            in_configurable_regions(request.user, self.region_lookup))
        if self.region_lookup and configures_regions(request.user):
            rows = rows.select_related(self.region_lookup)  # the region column's
        return rows

    def get_list_filter(self, request):
        """The region filter of the user's own regions (it shows itself with several),
        in place of a filter on the region field, which would name every region; a
        filter on a region's rows (an organisation, a territory) offers those the list
        holds, not every region's."""
        specs = [(spec, admin.RelatedOnlyFieldListFilter)
                 if isinstance(spec, str) and names_regional_rows(self.model, spec)
                 else spec
                 for spec in super().get_list_filter(request)
                 if spec != self.region_lookup]
        if not self.region_lookup:
            return tuple(specs)
        return (region_filter_for(self.region_lookup), *specs)

    def get_list_display(self, request):
        # Each row says its region when the user configures several.
        shown = tuple(super().get_list_display(request))
        if (not self.region_lookup or self.region_lookup in shown
                or not configures_regions(request.user)):
            return shown
        return (*shown[:1], "region_of_row", *shown[1:])

    @admin.display(description=_("region"))
    def region_of_row(self, obj):
        for step in self.region_lookup.split("__"):
            obj = getattr(obj, step, None)
        return obj if obj is not None else "—"

    def get_permissions_for_registration(self):
        # Region grants decide, not Django's model permissions: nothing to assign.
        from django.contrib.auth.models import Permission

        return Permission.objects.none()


class RegionScopedForm(WagtailAdminModelForm):
    """Offers only the user's regions (and their organisations) in the form's choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        regions = configurable_regions(self.for_user)
        if "region" in self.fields:
            self.fields["region"].queryset = regions
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = (
                self.fields["organisation"].queryset.filter(region__in=regions)
            )


class RegionEditorMenuItem(MenuItem):
    """An admin menu link shown only to those who configure at least one region."""

    def is_shown(self, request):
        return configures_a_region(request.user)
