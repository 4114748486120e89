"""The filters every report shares, and the messages a user's reports are computed over.

`ReportFilters` is the period (local dates, `until` included), the region, the organisation
(with its children), the category, the subcategory, the territory (with its subtree), the
channel and fast track yes/no, plus the time step of the volume series. `ReportFiltersForm`
reads them from a request's GET; `as_query()` writes them back, so a figure's link to its
messages carries the same filters.

`report_scope(user, filters)` is what every report, export and message list starts from:
the messages the permission policy lets `user` see through a reporting role (a curator:
their region; a head: their organisation; a superuser, the national operator: every
region), narrowed by the filters. Visibility is cms.permissions' answer (its `scope` per
role), never decided here. The scope is a condition on `cms.Appeal`'s field names, so it
applies as well to the reports' facts (plugins/reports/models.py), which keep those names:
`scope.rows(AppealFact)` are the facts of exactly the messages `scope.rows(Appeal)` are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.kernel.plugins import enabled_region_ids
from cms.models import (
    Appeal,
    Category,
    Channel,
    Organisation,
    Region,
    Role,
    Subcategory,
    Territory,
)
from cms.permissions.policy import reading_roles, roles_q, staff_region_ids

# The roles that read reports: curators over their regions, heads over their organisations
# (superusers hold every role; a national operator reads as a curator of every region).
# Moderators, coordinators and executors work queues.
REPORT_ROLES = frozenset({Role.CURATOR, Role.HEAD})
DEFAULT_DAYS = 30
DEFAULT_ZONE = "Europe/Moscow"


class Step:
    DAY, WEEK, MONTH = "day", "week", "month"
    CHOICES = ((DAY, pgettext_lazy("report step", "by day")),
               (WEEK, pgettext_lazy("report step", "by week")),
               (MONTH, pgettext_lazy("report step", "by month")))


def may_see_reports(user) -> bool:
    return bool(reading_roles(user) & REPORT_ROLES)


def visible_q(user) -> Q:
    """The messages `user` may report on, as a condition on Appeal's field names: the
    policy's answer for the reporting roles (`roles_q`), in the regions where the
    reports plugin is on."""
    combined = roles_q(user, REPORT_ROLES)
    if combined is None:
        return Q(pk__in=[])
    return combined & Q(region_id__in=enabled_region_ids("reports"))


def visible_appeals(user) -> QuerySet[Appeal]:
    """The messages `user` may report on."""
    return Appeal.objects.filter(visible_q(user))


@dataclass(frozen=True)
class ReportFilters:
    """The shared filters. Dates are local to `zone` (the region's time zone); the
    period is [since 00:00, until + 1 day 00:00)."""

    since: date
    until: date
    region: Region | None = None
    organisation: Organisation | None = None
    category: Category | None = None
    subcategory: Subcategory | None = None
    territory: Territory | None = None
    channel: str = ""
    fast_track: bool | None = None
    step: str = Step.DAY
    zone: str = DEFAULT_ZONE

    @classmethod
    def default(cls, today: date | None = None, **kwargs) -> ReportFilters:
        zone = kwargs.get("zone", DEFAULT_ZONE)
        today = today or timezone.now().astimezone(ZoneInfo(zone)).date()
        return cls(since=today - timedelta(days=DEFAULT_DAYS - 1), until=today, **kwargs)

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time(0), self.tzinfo)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time(0), self.tzinfo)

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> ReportFilters:
        """The same filters over the period of the same length just before this one."""
        return replace(self, since=self.since - timedelta(days=self.days),
                       until=self.since - timedelta(days=1))

    def period_q(self) -> Q:
        return Q(created_at__gte=self.start, created_at__lt=self.end)

    def organisation_ids(self) -> list[int]:
        """The chosen organisation and all its descendants (one query per level)."""
        found, level = [self.organisation.pk], [self.organisation.pk]
        while level:
            level = list(Organisation.objects.filter(parent_id__in=level)
                         .exclude(pk__in=found).values_list("pk", flat=True))
            found += level
        return found

    def narrow(self, appeals: QuerySet[Appeal], *, period: bool = True) -> QuerySet[Appeal]:
        """`appeals` narrowed by every filter (and by the period unless `period=False`)."""
        q = Q()
        if period:
            q &= self.period_q()
        if self.region is not None:
            q &= Q(region_id=self.region.pk)
        if self.organisation is not None:
            q &= Q(organisation_id__in=self.organisation_ids())
        if self.category is not None:
            q &= Q(category_id=self.category.pk)
        if self.subcategory is not None:
            q &= Q(subcategory_id=self.subcategory.pk)
        if self.territory is not None:
            q &= Q(territory__path__startswith=self.territory.path,
                   territory__region_id=self.territory.region_id)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.fast_track is not None:
            q &= Q(is_fast_track=self.fast_track)
        return appeals.filter(q)

    def as_query(self) -> dict[str, str]:
        """The GET parameters that give these filters back (for links and exports)."""
        query = {"since": self.since.isoformat(), "until": self.until.isoformat(),
                 "step": self.step}
        for name in ("region", "organisation", "category", "subcategory", "territory"):
            if (value := getattr(self, name)) is not None:
                query[name] = str(value.pk)
        if self.channel:
            query["channel"] = self.channel
        if self.fast_track is not None:
            query["fast_track"] = "yes" if self.fast_track else "no"
        return query

    def described(self) -> list[tuple[str, str]]:
        """(label, value) of each filter set, for a report's heading and its export."""
        out = [(str(_("Period")), f"{self.since:%d.%m.%Y} – {self.until:%d.%m.%Y}")]
        labels = {"region": _("Region"), "organisation": _("Organisation"),
                  "category": _("Category"), "subcategory": _("Subcategory"),
                  "territory": _("Territory")}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in labels and value is not None:
                out.append((str(labels[field.name]), str(value)))
        if self.channel:
            out.append((str(_("Channel")), str(Channel(self.channel).label)))
        if self.fast_track is not None:
            out.append((str(_("Fast track")), str(_("yes") if self.fast_track else _("no"))))
        return out


@dataclass(frozen=True)
class ReportScope:
    """What one user's report counts: the filters, and the messages they may see.

    A report's `compute(filters, scope)` reads `scope.rows(Model)`: the rows of any model
    with Appeal's field names (`cms.Appeal`, `AppealFact`, `RatingFact`, ...) within the
    user's scope, narrowed by every filter (and the period unless `period=False`:
    reports that compare periods apply `filters.period_q()` themselves)."""

    user: Any
    filters: ReportFilters
    visible: Q

    def rows(self, model: type[Model] = Appeal, *, period: bool = True) -> QuerySet:
        return self.filters.narrow(model.objects.filter(self.visible), period=period)

    @property
    def appeals(self) -> QuerySet[Appeal]:
        """The messages in scope, narrowed by every filter but the period."""
        return self.rows(Appeal, period=False)


def report_scope(user, filters: ReportFilters) -> ReportScope:
    return ReportScope(user=user, filters=filters, visible=visible_q(user))


def scoped_appeals(user, filters: ReportFilters, *, period: bool = True
                   ) -> QuerySet[Appeal]:
    """The messages `user` may report on, narrowed by `filters` (and by their period
    unless `period=False`)."""
    return report_scope(user, filters).rows(Appeal, period=period)


class ReportFiltersForm(forms.Form):
    """The filter bar: choices limited to the regions where the user holds grants."""

    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(),
                                    required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none(),
                                          required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(),
                                      required=False)
    subcategory = forms.ModelChoiceField(label=_("Subcategory"),
                                         queryset=Subcategory.objects.all(), required=False)
    territory = forms.ModelChoiceField(label=_("Territory"),
                                       queryset=Territory.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", "—"), *Channel.choices])
    fast_track = forms.ChoiceField(label=_("Fast track"), required=False,
                                   choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))])
    step = forms.ChoiceField(label=_("Step"), required=False, choices=Step.CHOICES)

    def __init__(self, data, *, user):
        super().__init__(data)
        region_ids = staff_region_ids(user)
        regions = Region.objects.all()
        if region_ids is not None:
            regions = regions.filter(pk__in=region_ids)
        self.fields["region"].queryset = regions
        self.fields["organisation"].queryset = Organisation.objects.filter(
            region__in=regions).order_by("name")
        self.fields["territory"].queryset = Territory.objects.filter(
            region__in=regions).order_by("path")
        self.regions = regions

    def filters(self) -> ReportFilters:
        """The filters the form holds (the defaults where a field is empty or invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        region = data.get("region")
        # Dates are read in the chosen region's zone, else in the first visible region's.
        zone_region = region or next(iter(self.regions), None)
        zone = zone_region.time_zone if zone_region else DEFAULT_ZONE
        base = ReportFilters.default(zone=zone)
        since, until = data.get("since") or base.since, data.get("until") or base.until
        if since > until:
            since, until = until, since
        fast = data.get("fast_track")
        return ReportFilters(
            since=since, until=until, region=region,
            organisation=data.get("organisation"), category=data.get("category"),
            subcategory=data.get("subcategory"), territory=data.get("territory"),
            channel=data.get("channel") or "",
            fast_track={"yes": True, "no": False}.get(fast),
            step=data.get("step") or Step.DAY, zone=zone)
