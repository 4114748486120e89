"""Reference data in the admin: regions, territories, organisations, the classifier and
staff roles. Rules live in the modules they belong to; this only describes the admins."""

from django import forms
from django.contrib import admin
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup

from cms.kernel.plugins import switchable_plugins
from cms.models import (
    Category,
    Organisation,
    Region,
    Role,
    StaffMembership,
    Subcategory,
    Territory,
)
from cms.models.regions import time_zone_choices
from cms.permissions.grants import revoke_role, roles_follow_memberships

from .phrases import ModelPhrases, PhrasedAdmin, PhrasedDeleteView
from .plugin_extensions import plugin_menu_items
from .queues import queue_admins
from .region_scoped import RegionEditorMenuItem, RegionScopedAdmin, RegionScopedForm


class RegionForm(WagtailAdminModelForm):
    """The region editor: plugin switches as checkboxes of the installed plugins, the time
    zone from the Russian ones, and the code fixed once the region exists (files, URLs and
    exports name the region by it)."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    disabled_plugins = forms.MultipleChoiceField(
        label=_("Plugins switched off"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(plugin.name, f"{plugin.verbose_name} ({plugin.name})")
                         for plugin in switchable_plugins()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A disabled field keeps its initial value whatever the POST says.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Fixed once the region is created.")
            self.fields["time_zone"].choices = time_zone_choices(self.instance.time_zone)

    def clean_disabled_plugins(self):
        return sorted(self.cleaned_data["disabled_plugins"])


class RegionAdmin(RegionScopedAdmin):
    """Editors see and edit their own regions; regions are onboarded from files."""

    model = Region
    region_lookup = ""
    allow_create = False
    allow_delete = False
    menu_icon = "site"
    phrases = ModelPhrases(editing=_("Editing a region"),
                           saved=_("Region “%(object)s” saved."),
                           count=ngettext_lazy("%(count)s region", "%(count)s regions",
                                               "count"))
    list_display = ("name", "code", "time_zone", "default_moderating_organisation",
                    "readiness")
    search_fields = ("name", "code")
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("name_en"),
            FieldPanel("code"),
            FieldPanel("time_zone"),
            FieldPanel("site"),
            FieldPanel("default_moderating_organisation"),
            FieldPanel("disabled_plugins"),
            FieldPanel("hidden_categories"),
        ],
        base_form_class=RegionForm,
    )

    @admin.display(description=_("Readiness"))
    def readiness(self, region):
        return format_html('<a href="{}">{}</a>',
                           reverse("region_readiness_detail", args=(region.pk,)),
                           _("Region readiness"))


class TerritoryAdmin(RegionScopedAdmin):
    # The tree is loaded from territories.json (treebeard places nodes); editors rename.
    model = Territory
    allow_create = False
    allow_delete = False
    menu_icon = "globe"
    phrases = ModelPhrases(editing=_("Editing a territory"),
                           saved=_("Territory “%(object)s” saved."),
                           count=ngettext_lazy("%(count)s territory", "%(count)s territories",
                                               "count"))
    list_display = ("name", "code", "kind", "region")
    list_filter = ("region", "kind")
    search_fields = ("name", "code")
    ordering = ("path",)
    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("kind")]


class OrganisationAdmin(RegionScopedAdmin):
    # Messages and history name organisations, so they are never deleted.
    model = Organisation
    allow_delete = False
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("code"), FieldPanel("name"),
         FieldPanel("short_name"), FieldPanel("kind"), FieldPanel("parent"),
         FieldPanel("territories"), FieldPanel("website_domains")],
        base_form_class=RegionScopedForm,
    )
    menu_icon = "group"
    phrases = ModelPhrases(
        add=_("Add an organisation"), new=_("New organisation"),
        editing=_("Editing an organisation"),
        created=_("Organisation “%(object)s” created."),
        saved=_("Organisation “%(object)s” saved."),
        count=ngettext_lazy("%(count)s organisation", "%(count)s organisations",
                            "count"))
    list_display = ("name", "short_name", "code", "kind", "region")
    list_filter = ("region", "kind")
    search_fields = ("name", "short_name", "code")
    list_select_related = ("region",)


class CategoryAdmin(PhrasedAdmin, ModelAdmin):
    model = Category
    phrases = ModelPhrases(
        add=_("Add a category"), new=_("New category"), editing=_("Editing a category"),
        created=_("Category “%(object)s” created."),
        saved=_("Category “%(object)s” saved."),
        deleted=_("Category “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s category", "%(count)s categories", "count"))
    menu_icon = "list-ul"
    list_display = ("code", "name", "name_en")
    search_fields = ("name", "name_en", "code")


class SubcategoryAdmin(PhrasedAdmin, ModelAdmin):
    model = Subcategory
    phrases = ModelPhrases(
        add=_("Add a subcategory"), new=_("New subcategory"),
        editing=_("Editing a subcategory"),
        created=_("Subcategory “%(object)s” created."),
        saved=_("Subcategory “%(object)s” saved."),
        deleted=_("Subcategory “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s subcategory", "%(count)s subcategories",
                            "count"))
    menu_icon = "list-ol"
    list_display = ("code", "name", "category", "moderation_days", "work_days",
                    "approval_days", "photo_required")
    list_filter = ("category", "photo_required")
    search_fields = ("name", "name_en", "code")
    list_select_related = ("category",)


class StaffMembershipForm(RegionScopedForm):
    """A membership saved here gives the role as `grant_role` does (the role's group with
    the grant), and one changed takes the old role's group away when nothing else needs
    it: `cms.permissions.grants.roles_follow_memberships` decides both."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the membership gave before the form changes the instance.
        self.held_before = ((self.instance.user, Role(self.instance.role))
                            if self.instance.pk else None)

    def save(self, commit=True):
        membership = super().save(commit=commit)
        if commit:
            now = (membership.user, Role(membership.role))
            if self.held_before is not None and self.held_before != now:
                user, role = self.held_before
                roles_follow_memberships(user, [role])
            roles_follow_memberships(membership.user, [membership.role])
        return membership


class StaffMembershipDeleteView(PhrasedDeleteView):
    """A membership deleted here withdraws the role as `revoke_role` does."""

    def delete_instance(self):
        membership = self.instance
        revoke_role(membership.user, membership.organisation, Role(membership.role))


class StaffMembershipAdmin(RegionScopedAdmin):
    """Region administrators manage their own region's staff roles, and no other's."""

    model = StaffMembership
    delete_view_class = StaffMembershipDeleteView
    region_lookup = "organisation__region"
    menu_icon = "user"
    phrases = ModelPhrases(
        add=_("Add a staff membership"), new=_("New staff membership"),
        editing=_("Editing a staff membership"),
        created=_("Staff membership “%(object)s” created."),
        saved=_("Staff membership “%(object)s” saved."),
        deleted=_("Staff membership “%(object)s” deleted."),
        count=ngettext_lazy("%(count)s staff membership", "%(count)s staff memberships",
                            "count"))
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("organisation"), FieldPanel("role")],
        base_form_class=StaffMembershipForm,
    )
    list_display = ("user", "role", "organisation")
    list_filter = ("role", "organisation__region")
    search_fields = ("user__username", "user__last_name", "organisation__name")
    list_select_related = ("user", "organisation")


class ReferenceGroup(ModelAdminGroup):
    menu_label = _("Reference data")
    menu_item_name = "reference"
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (RegionAdmin, TerritoryAdmin, OrganisationAdmin, CategoryAdmin, SubcategoryAdmin,
             StaffMembershipAdmin)

    def __init__(self):
        # Plugins' queues listed here follow the core's admins.
        self.items = (*type(self).items, *queue_admins("reference"))
        super().__init__()

    def get_submenu_items(self):
        items = super().get_submenu_items()
        new_staff = RegionEditorMenuItem(_("New staff account"), reverse_lazy("staff_new"),
                                         name="staff-new", icon_name="user",
                                         order=len(items) + 1)
        # The "Region settings" links join the reference data until that page has a group.
        plugin_items = plugin_menu_items("reference", "settings", after=len(items) + 1)
        return [*items, new_staff, *plugin_items]
