"""Routing rules and each region's routing settings.

A rule says: messages of this category (or subcategory, or any) about this territory (and
everything under it, or the whole region), sent through this channel (or any), go to this
organisation. `plugins.routing.resolver` picks the most specific matching rule; a tie that
the specificity order and the priority cannot break is refused here, when the rule is saved.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from cms.models import Channel
from cms.models.region_settings import RegionSettings, region_link


class WidgetPolicy(models.TextChoices):
    WHEN_COMPETENT = "competent", _(
        "Only when it is competent: a rule sends it this category there, or it serves the "
        "message's territory"
    )
    ALWAYS = "always", _("Always: the widget's organisation receives every message")


class RoutingSettings(RegionSettings):
    """A region's routing choices that are not rules. A region without a row uses defaults."""

    region = region_link("routing_settings")
    widget_policy = models.CharField(
        _("messages sent through an organisation's widget go to that organisation"),
        max_length=16, choices=WidgetPolicy.choices, default=WidgetPolicy.WHEN_COMPETENT,
    )

    class Meta:
        verbose_name = _("routing settings")
        verbose_name_plural = _("routing settings")

    panels = [FieldPanel("widget_policy", widget=forms.RadioSelect)]


# The key that makes two rules equally specific: for any one message, two matching rules
# differ in one of these fields, or neither is more specific than the other.
TIE_KEY_FIELDS = ("category_id", "subcategory_id", "territory_id", "channel", "priority")


class RoutingRule(models.Model):
    """Messages of a category (or subcategory) about a territory go to an organisation.

    Leave both category and subcategory empty for a catch-all, the territory empty for the
    whole region, the channel empty for any channel. A subcategory rule also records its
    category, so that filtering the list by category shows it.
    """

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey(
        "cms.Region", verbose_name=_("region"), on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    code = models.SlugField(
        _("code"), max_length=100, blank=True,
        help_text=_("A stable name used in the region's files and in messages' history. "
                    "Made from the rule when left empty."),
    )
    category = models.ForeignKey(
        "cms.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty with an empty subcategory: any category."),
    )
    subcategory = models.ForeignKey(
        "cms.Subcategory", verbose_name=_("subcategory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("More specific than a rule for the whole category."),
    )
    territory = models.ForeignKey(
        "cms.Territory", verbose_name=_("territory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Covers the territory and everything under it. Empty: the whole region."),
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True,
        help_text=_("Empty: any channel."),
    )
    organisation = models.ForeignKey(
        "cms.Organisation", verbose_name=_("addressee"), on_delete=models.PROTECT,
        related_name="routing_rules",
    )
    priority = models.IntegerField(
        _("priority"), default=0,
        help_text=_("Decides between rules for the same category, territory and channel: "
                    "the higher wins."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["region", "category__code", "subcategory__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="routing_rule_code_per_region")
        ]

    def __str__(self) -> str:
        return self.code

    def describe(self) -> str:
        """What the rule covers, in words: for explanations and the admin."""
        if self.subcategory_id:
            subject = f"{self.subcategory.code} {self.subcategory}"
        elif self.category_id:
            subject = f"{self.category.code} {self.category}"
        else:
            subject = str(_("any category"))
        place = str(self.territory) if self.territory_id else str(_("the whole region"))
        channel = self.get_channel_display() if self.channel else str(_("any channel"))
        return f"{subject}; {place}; {channel}"

    def clean(self) -> None:
        self._take_category_from_subcategory()
        errors = {}
        if (self.subcategory_id and self.category_id
                and self.subcategory.category_id != self.category_id):
            errors["subcategory"] = _("This subcategory is not in the chosen category.")
        if self.region_id:
            if self.organisation_id and self.organisation.region_id != self.region_id:
                errors["organisation"] = _("The organisation belongs to another region.")
            if self.territory_id and self.territory.region_id != self.region_id:
                errors["territory"] = _("The territory belongs to another region.")
        if errors:
            raise ValidationError(errors)
        tie = self.tied_rule()
        if tie is not None:
            raise ValidationError(
                _("Active rule %(code)s has the same category, subcategory, territory, "
                  "channel and priority, so neither would win. Change the priority of one "
                  "of them or disable one."),
                code="tie", params={"code": tie.code},
            )

    def save(self, *args, validate: bool = True, **kwargs) -> None:
        """Save after `clean()`; a writer that checks a whole rule set at once (the
        region loader) passes `validate=False` and checks ties when it is done."""
        if validate:
            self.clean()
        else:
            self._take_category_from_subcategory()
        if not self.code:
            self.code = self._free_code()
        super().save(*args, **kwargs)

    def tied_rule(self) -> RoutingRule | None:
        """Another active rule of the region that this one could never be told apart from."""
        if not self.is_active or not self.region_id:
            return None
        key = {name: getattr(self, name) for name in TIE_KEY_FIELDS}
        return (
            RoutingRule.objects.filter(region_id=self.region_id, is_active=True, **key)
            .exclude(pk=self.pk)
            .first()
        )

    def _take_category_from_subcategory(self) -> None:
        if self.subcategory_id and not self.category_id:
            self.category_id = self.subcategory.category_id

    def _free_code(self) -> str:
        """A code made of the rule's subject, territory and channel, unique in the region."""
        subject = self.subcategory.code if self.subcategory_id else (
            self.category.code if self.category_id else "any")
        place = self.territory.code if self.territory_id else "region"
        base = slugify("-".join(filter(None, [subject.replace(".", "-"), place, self.channel])))
        taken = set(
            RoutingRule.objects.filter(region_id=self.region_id, code__startswith=base)
            .values_list("code", flat=True)
        )
        code, number = base, 1
        while code in taken:
            number += 1
            code = f"{base}-{number}"
        return code
