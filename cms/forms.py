from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.plugins import switchable_plugin_names


class RegionForm(WagtailAdminModelForm):
    """The region editor: plugin switches as checkboxes of the installed plugins."""

    disabled_plugins = forms.MultipleChoiceField(
        label=_("Plugins switched off"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(name, name) for name in switchable_plugin_names()],
    )

    def clean_disabled_plugins(self):
        return sorted(self.cleaned_data["disabled_plugins"])
