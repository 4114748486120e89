"""Admin wiring only: fast tracks and calendar amendments under one menu, each limited to
the regions the user may edit (`cms.staff_admin.region_scoped`). The deadline settings are
a section of the admin's "Region settings" page (`region_settings_models` hook)."""

from django.contrib.admin import display
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from cms.staff_admin.phrases import ModelPhrases
from cms.staff_admin.region_scoped import RegionScopedAdmin, RegionScopedForm

from .models import CalendarAmendment, FastTrack


class FastTrackAdmin(RegionScopedAdmin):
    model = FastTrack
    menu_label = _("Fast tracks")
    phrases = ModelPhrases(
        add=_("Add a fast track"), new=_("New fast track"),
        editing=_("Editing a fast track"),
        created=_("Fast track “%(object)s” created."),
        saved=_("Fast track “%(object)s” saved."),
        deleted=_("Fast track “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s fast track", "%(count)s fast tracks", "count"))
    menu_icon = "time"
    list_display = ("subject", "term_label", "is_active", "region")
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

    @display(description=_("term"), ordering="term")
    def term_label(self, track):
        # "2 рабочих дня", not the term and its unit in two columns ("2 | рабочие дни").
        return track.term_display()


class CalendarAmendmentAdmin(RegionScopedAdmin):
    model = CalendarAmendment
    menu_label = _("Calendar amendments")
    phrases = ModelPhrases(
        add=_("Add a calendar amendment"), new=_("New calendar amendment"),
        editing=_("Editing a calendar amendment"),
        created=_("Calendar amendment “%(object)s” created."),
        saved=_("Calendar amendment “%(object)s” saved."),
        deleted=_("Calendar amendment “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s calendar amendment", "%(count)s calendar amendments",
                            "count"))
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
    menu_item_name = "deadlines"
    menu_icon = "time"
    menu_order = 320
    items = (FastTrackAdmin, CalendarAmendmentAdmin)


modeladmin_register(DeadlinesGroup)
