"""Admin wiring only: the rules editor and the "try it" page, under one menu. The routing
settings are a section of the admin's "Region settings" page (`region_settings_models`)."""

from django.contrib.admin import display
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from cms.staff_admin.phrases import ModelPhrases
from cms.staff_admin.region_scoped import (
    RegionEditorMenuItem,
    RegionScopedAdmin,
    RegionScopedForm,
)

from .models import RoutingRule
from .views import TryRoutingView


class RoutingRuleAdmin(RegionScopedAdmin):
    model = RoutingRule
    menu_label = _("Routing rules")
    phrases = ModelPhrases(
        add=_("Add a routing rule"), new=_("New routing rule"),
        editing=_("Editing a routing rule"),
        created=_("Routing rule “%(object)s” created."),
        saved=_("Routing rule “%(object)s” saved."),
        count=ngettext_lazy("%(count)s routing rule", "%(count)s routing rules",
                            "count"))
    menu_icon = "resubmit"
    # A message's history names the rule that routed it, so rules are disabled, not deleted.
    allow_delete = False
    list_display = ("code", "subject", "place", "channel_label", "organisation", "priority",
                    "is_active")
    list_filter = ("is_active", "region", "category", "territory", "organisation", "channel")
    search_fields = ("code", "note", "organisation__name", "organisation__short_name")
    list_select_related = ("category", "subcategory", "territory", "organisation")
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("region"), FieldPanel("code")]),
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("subcategory"), FieldPanel("territory"),
             FieldPanel("channel")],
            heading=_("Which messages"),
        ),
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("priority"), FieldPanel("is_active"),
             FieldPanel("note")],
            heading=_("Where they go"),
        ),
    ], base_form_class=RegionScopedForm)

    @display(description=_("category or subcategory"))
    def subject(self, rule):
        if rule.subcategory_id:
            return f"{rule.subcategory.code} {rule.subcategory}"
        if rule.category_id:
            return f"{rule.category.code} {rule.category}"
        return _("any category")

    @display(description=_("territory"))
    def place(self, rule):
        return rule.territory or _("the whole region")

    @display(description=_("channel"))
    def channel_label(self, rule):
        return rule.get_channel_display() if rule.channel else _("any channel")


class RoutingGroup(ModelAdminGroup):
    menu_label = _("Routing")
    menu_item_name = "routing"
    menu_icon = "resubmit"
    menu_order = 310
    items = (RoutingRuleAdmin,)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        try_it = RegionEditorMenuItem(_("Try routing"), reverse_lazy("routing_try"),
                                      name="routing-try", icon_name="search",
                                      order=len(items) + 1)
        return [*items, try_it]


modeladmin_register(RoutingGroup)


@hooks.register("register_admin_urls")
def register_try_routing_url():
    return [path("routing/try/", TryRoutingView.as_view(), name="routing_try")]
