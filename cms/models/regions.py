from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .localised import LocalisedName

# The IANA zones Russia uses (tzdata's zone1970.tab, west to east), with the city each is
# named after: a region's time zone is chosen from these in the admin.
RUSSIAN_TIME_ZONES: tuple[tuple[str, str], ...] = (
    ("Europe/Kaliningrad", _("Kaliningrad")),
    ("Europe/Moscow", _("Moscow")),
    ("Europe/Simferopol", _("Simferopol")),
    ("Europe/Kirov", _("Kirov")),
    ("Europe/Volgograd", _("Volgograd")),
    ("Europe/Astrakhan", _("Astrakhan")),
    ("Europe/Saratov", _("Saratov")),
    ("Europe/Ulyanovsk", _("Ulyanovsk")),
    ("Europe/Samara", _("Samara")),
    ("Asia/Yekaterinburg", _("Yekaterinburg")),
    ("Asia/Omsk", _("Omsk")),
    ("Asia/Novosibirsk", _("Novosibirsk")),
    ("Asia/Barnaul", _("Barnaul")),
    ("Asia/Tomsk", _("Tomsk")),
    ("Asia/Novokuznetsk", _("Novokuznetsk")),
    ("Asia/Krasnoyarsk", _("Krasnoyarsk")),
    ("Asia/Irkutsk", _("Irkutsk")),
    ("Asia/Chita", _("Chita")),
    ("Asia/Yakutsk", _("Yakutsk")),
    ("Asia/Khandyga", _("Khandyga")),
    ("Asia/Vladivostok", _("Vladivostok")),
    ("Asia/Ust-Nera", _("Ust-Nera")),
    ("Asia/Magadan", _("Magadan")),
    ("Asia/Sakhalin", _("Sakhalin")),
    ("Asia/Srednekolymsk", _("Srednekolymsk")),
    ("Asia/Kamchatka", _("Kamchatka")),
    ("Asia/Anadyr", _("Anadyr")),
)


def utc_offset_label(zone: str) -> str:
    """"UTC+4" for Europe/Samara: the offset now (Russia keeps no summer time)."""
    from django.utils import timezone

    offset = timezone.now().astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The Russian time zones as select choices labelled "Самара (UTC+4)".

    A region saved before the list existed may hold another IANA zone: it stays valid and
    is offered first, marked, so that saving the region does not change it unasked.
    """
    choices = [(zone, f"{city} ({utc_offset_label(zone)})") for zone, city in RUSSIAN_TIME_ZONES]
    if current and current not in dict(RUSSIAN_TIME_ZONES) and current in available_timezones():
        label = gettext("%(zone)s (not a Russian time zone)") % {"zone": current}
        choices.insert(0, (current, f"{label} ({utc_offset_label(current)})"))
    return choices


def is_russian_time_zone(zone: str) -> bool:
    return zone in dict(RUSSIAN_TIME_ZONES)



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
