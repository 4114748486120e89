from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .localised import LocalisedName


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Region(LocalisedName):
    """A region served by this installation: its own site, calendar zone and plugin switches."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="region",
    )
    default_moderating_organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=_("default moderating organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Receives messages no routing rule answers for, and moderates new ones."),
    )
    disabled_plugins = models.JSONField(
        _("plugins switched off"), default=list, blank=True,
        help_text=_("Names of plugins this region does not use."),
    )
    hidden_categories = models.ManyToManyField(
        "cms.Category", verbose_name=_("hidden categories"), blank=True, related_name="+"
    )
    # Which state of the region's reference data (its pages, classifier choices, routing,
    # calendar, moderators...) a process may keep in memory: bumped from a sequence, in
    # the writer's transaction, by every change to that data (`cms.submission.region_cache`).
    config_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        # Object permissions granted on a region (see cms.permissions).
        permissions = [
            ("moderate_region", "Moderate the region's messages"),
            ("curate_region", "Curate the region's messages"),
            ("administer_region", "Administer the region"),
        ]

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_plugin_enabled(self, plugin_name: str) -> bool:
        from cms.kernel.plugins import is_enabled

        return is_enabled(plugin_name, self)

    def visible_categories(self):
        from .classifier import Category

        return Category.objects.exclude(pk__in=self.hidden_categories.values("pk"))
