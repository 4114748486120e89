"""Admin wiring only: fast tracks, calendar amendments and deadline settings under one menu,
each limited to the regions the user may edit (`cms.staff_admin.region_scoped`)."""

from django.contrib.admin import display
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from cms.staff_admin.region_scoped import RegionScopedAdmin as CoreRegionScopedAdmin
from cms.staff_admin.region_scoped import RegionScopedForm

from .models import CalendarAmendment, FastTrack, FastTrackSettings


class RegionScopedAdmin(CoreRegionScopedAdmin):
    list_select_related = ("region",)


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
