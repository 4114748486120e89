"""Admin wiring only: fast tracks, calendar amendments and deadline settings under one menu,
each limited to the regions the user may edit (`plugins.fasttrack.permissions`)."""

from django.contrib.admin import display
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from .forms import RegionScopedForm
from .models import CalendarAmendment, FastTrack, FastTrackSettings
from .permissions import editable_regions, may_edit_region


class RegionEditorPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        return editable_regions(user).exists()

    def user_can_create(self, user):
        return self.user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return may_edit_region(user, obj.region_id)

    def user_can_delete_obj(self, user, obj):
        return may_edit_region(user, obj.region_id)


class RegionScopedAdmin(ModelAdmin):
    permission_helper_class = RegionEditorPermissionHelper
    list_select_related = ("region",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            region__in=editable_regions(request.user)
        )


class FastTrackAdmin(RegionScopedAdmin):
    model = FastTrack
    menu_label = _("Fast tracks")
    menu_icon = "time"
    list_display = ("subject", "term", "unit", "is_active", "region")
    list_filter = ("region", "is_active", "unit")
    search_fields = ("category__name", "subcategory__name", "subcategory__code",
                     "category__code", "note")
    list_select_related = ("region", "category", "subcategory")
    edit_handler = ObjectList(
        [
            FieldPanel("region"),
            FieldRowPanel([FieldPanel("category"), FieldPanel("subcategory")]),
            FieldRowPanel([FieldPanel("term"), FieldPanel("unit")]),
            FieldPanel("is_active"),
            FieldPanel("note"),
        ],
        base_form_class=RegionScopedForm,
    )

    @display(description=_("category or subcategory"))
    def subject(self, track):
        subject = track.subcategory or track.category
        return f"{subject.code} {subject}"


class CalendarAmendmentAdmin(RegionScopedAdmin):
    model = CalendarAmendment
    menu_label = _("Calendar amendments")
    menu_icon = "date"
    list_display = ("date", "is_working_day", "note", "region")
    list_filter = ("region", "is_working_day")
    ordering = ("-date",)
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("date"), FieldPanel("is_working_day"),
         FieldPanel("note")],
        base_form_class=RegionScopedForm,
    )


class FastTrackSettingsAdmin(RegionScopedAdmin):
    model = FastTrackSettings
    menu_label = _("Deadline settings")
    menu_icon = "cog"
    list_display = ("region", "postponement_cap_days", "warning_lead_hours", "workday_start",
                    "workday_end")
    edit_handler = ObjectList(
        [
            FieldPanel("region"),
            FieldPanel("postponement_cap_days"),
            FieldPanel("warning_lead_hours"),
            FieldRowPanel([FieldPanel("workday_start"), FieldPanel("workday_end")]),
        ],
        base_form_class=RegionScopedForm,
    )


class DeadlinesGroup(ModelAdminGroup):
    menu_label = _("Deadlines")
    menu_icon = "time"
    menu_order = 320
    items = (FastTrackAdmin, CalendarAmendmentAdmin, FastTrackSettingsAdmin)


modeladmin_register(DeadlinesGroup)
