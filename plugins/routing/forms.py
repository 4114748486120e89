"""The "try it" form: a message as a moderator would see it, minus the text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Category, Channel, Organisation, Region, Subcategory, Territory


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        # Indented by depth, so the select reads as the territory tree.
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


def subcategories_by_category() -> list[tuple[str, list[tuple[int, str]]]]:
    """Subcategory choices grouped under their categories (an <optgroup> each)."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for sub in Subcategory.objects.select_related("category"):
        label = f"{sub.category.code} {sub.category}"
        groups.setdefault(sub.category_id, (label, []))[1].append((sub.pk, f"{sub.code} {sub}"))
    return list(groups.values())


class TryRoutingForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    subcategory = forms.ModelChoiceField(label=_("Subcategory"),
                                         queryset=Subcategory.objects.all())
    territory = TerritoryChoiceField(
        label=_("Territory"), queryset=Territory.objects.order_by("region", "path"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                initial=Channel.PORTAL)
    widget_organisation = forms.ModelChoiceField(
        label=_("Widget of organisation"), queryset=Organisation.objects.all(), required=False,
        help_text=_("For the widget channel: the organisation whose website the form is on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subcategory"].choices = [("", "---------"), *subcategories_by_category()]
        regions = list(Region.objects.all()[:2])
        if len(regions) == 1:
            self.fields["region"].initial = regions[0].pk

    def clean(self):
        data = super().clean()
        region, category = data.get("region"), data.get("category")
        subcategory = data.get("subcategory")
        if category and subcategory and subcategory.category_id != category.pk:
            self.add_error("subcategory", _("This subcategory is not in the chosen category."))
        for name in ("territory", "widget_organisation"):
            value = data.get(name)
            if region and value and value.region_id != region.pk:
                self.add_error(name, _("Choose one of the region's own."))
        if data.get("channel") == Channel.WIDGET and not data.get("widget_organisation"):
            self.add_error("widget_organisation",
                           _("Choose the organisation whose widget the message came through."))
        return data
