"""Model admins whose rows belong to a region: each editor sees and edits only their own.

The core's staff memberships and the plugins' settings (routing rules, fast tracks, the
calendar) all use these, so "which region's configuration may this user edit" is answered
by one rule: `cms.permissions.policy.configurable_regions`.
"""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from cms.permissions.policy import configurable_regions


def region_id_of(obj, region_lookup: str) -> int | None:
    """The region id at the end of a lookup path like "organisation__region".

    An empty path means the object is the region itself.
    """
    if not region_lookup:
        return obj.pk
    *path, last = region_lookup.split("__")
    for step in path:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


class RegionEditorPermissionHelper(PermissionHelper):
    """Listing and creating need a region to configure; rows only in the user's regions."""

    region_lookup = "region"
    can_create = True
    can_delete = True

    def _may_edit(self, user, obj) -> bool:
        region_id = region_id_of(obj, self.region_lookup)
        return region_id is not None and configurable_regions(user).filter(pk=region_id).exists()

    def user_can_list(self, user):
        return configurable_regions(user).exists()

    def user_can_create(self, user):
        return self.can_create and self.user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return self._may_edit(user, obj)

    def user_can_delete_obj(self, user, obj):
        return self.can_delete and self._may_edit(user, obj)


class RegionScopedAdmin(ModelAdmin):
    """A ModelAdmin limited to the regions the user may configure."""

    permission_helper_class = RegionEditorPermissionHelper
    region_lookup = "region"
    # None keeps the permission helper's own answer.
    allow_create: bool | None = None
    allow_delete: bool | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = self.permission_helper
        helper.region_lookup = self.region_lookup
        if self.allow_create is not None:
            helper.can_create = self.allow_create
        if self.allow_delete is not None:
            helper.can_delete = self.allow_delete

    def get_queryset(self, request):
        lookup = f"{self.region_lookup}__in" if self.region_lookup else "pk__in"
        return super().get_queryset(request).filter(
            **{lookup: configurable_regions(request.user)}
        )


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
        return configurable_regions(request.user).exists()
