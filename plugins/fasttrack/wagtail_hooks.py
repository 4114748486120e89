"""Admin wiring only: fast tracks and calendar amendments under one menu, each limited to
the regions the user may edit (`cms.staff_admin.region_scoped`). The deadline settings are
a section of the admin's "Region settings" page (`region_settings_models` hook)."""

from django.contrib.admin import display
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from cms.staff_admin.region_scoped import RegionScopedAdmin, RegionScopedForm

from .models import CalendarAmendment, FastTrack


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
    list_select_related = ("region",)
    list_display = ("date", "is_working_day", "note", "region")
    list_filter = ("region", "is_working_day")
    ordering = ("-date",)
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("date"), FieldPanel("is_working_day"),
         FieldPanel("note")],
        base_form_class=RegionScopedForm,
    )


class DeadlinesGroup(ModelAdminGroup):
    menu_label = _("Deadlines")
    menu_icon = "time"
    menu_order = 320
    items = (FastTrackAdmin, CalendarAmendmentAdmin)


modeladmin_register(DeadlinesGroup)
