"""Whether a region is ready to go live: the one list of what it still lacks.

The core checks its own data here; each plugin adds the checks of its configuration through
the `region_readiness_checks` hook (routing: categories no rule reaches; fast tracks: tracks
without a term in force). The admin's "Region readiness" page and `manage.py
region_readiness` both show `region_readiness(region)`.

What blocks go-live and what only warns:
- blocking: the region has no default moderating organisation (a message no rule answers
  for would have nowhere to go), or a category no routing rule reaches (see the routing
  plugin);
- warnings: an organisation without an active coordinator, executor or head (regions
  onboard organisations one by one: messages wait in its queue, the overdue reports show
  them), a widget host that never sent a message (the widget may not be embedded yet), a
  time zone outside the Russian list (kept valid for rows older than the list), a fast
  track switched off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.kernel.hookspecs import ReadinessItem
from cms.kernel.plugins import hooks_for
from cms.models import Appeal, Organisation, Region, StaffMembership
from cms.models.regions import is_russian_time_zone
from cms.models.staff import Role

# The roles an organisation needs to handle its messages, in the order they are reported.
HANDLING_ROLES = (Role.COORDINATOR, Role.EXECUTOR, Role.HEAD)


@dataclass(frozen=True)
class Readiness:
    """The region's items, blocking ones first."""

    region: Region
    items: tuple[ReadinessItem, ...]

    @property
    def blocking(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.blocking]

    @property
    def warnings(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.blocking]

    @property
    def ready(self) -> bool:
        return not self.blocking


def admin_url(model, action: str, *args) -> str:
    """The model admin's page of `action` ("edit", "create", "index")."""
    meta = model._meta
    return reverse(f"{meta.app_label}_{meta.model_name}_modeladmin_{action}", args=args)


def core_checks(region: Region) -> list[ReadinessItem]:
    items = []
    if region.default_moderating_organisation_id is None:
        items.append(ReadinessItem(
            check="default-moderator",
            message=_("The region has no default moderating organisation."),
            fix_url=admin_url(Region, "edit", region.pk),
            blocking=True,
        ))
    if not is_russian_time_zone(region.time_zone):
        items.append(ReadinessItem(
            check="time-zone",
            message=_("The region's time zone %(zone)s is not one of the Russian time "
                      "zones.") % {"zone": region.time_zone},
            fix_url=admin_url(Region, "edit", region.pk),
        ))
    items.extend(organisation_checks(region))
    return items


def organisation_checks(region: Region) -> list[ReadinessItem]:
    """Roles missing at organisations and widget hosts never used: one query for all of the
    region's organisations."""
    role_holders = {
        role: Exists(StaffMembership.objects.filter(
            organisation=OuterRef("pk"), role=role, user__is_active=True))
        for role in HANDLING_ROLES
    }
    organisations = (
        Organisation.objects.filter(region=region)
        .annotate(**{f"has_{role.value}": exists for role, exists in role_holders.items()},
                  widget_used=Exists(Appeal.objects.filter(
                      widget_organisation=OuterRef("pk"))))
        .order_by("name")
        .only("pk", "name", "website_domains")
    )
    create_membership = admin_url(StaffMembership, "create")
    items = []
    for organisation in organisations:
        missing = [str(role.label) for role in HANDLING_ROLES
                   if not getattr(organisation, f"has_{role.value}")]
        if missing:
            items.append(ReadinessItem(
                check="organisation-roles",
                message=_("%(organisation)s has no active %(roles)s.") % {
                    "organisation": organisation.name, "roles": ", ".join(missing)},
                fix_url=create_membership,
            ))
        if organisation.website_domains and not organisation.widget_used:
            items.append(ReadinessItem(
                check="widget-unused",
                message=_("The widget of %(organisation)s (%(hosts)s) has never sent a "
                          "message.") % {"organisation": organisation.name,
                                         "hosts": ", ".join(organisation.website_domains)},
                fix_url=admin_url(Organisation, "edit", organisation.pk),
            ))
    return items


def region_readiness(region: Region) -> Readiness:
    """The core's checks and those of the plugins enabled for the region."""
    items = core_checks(region)
    for plugin_items in hooks_for(region).region_readiness_checks(region=region):
        items.extend(plugin_items or ())
    # Blocking items first; otherwise in the order the checks gave them.
    items.sort(key=lambda item: not item.blocking)
    return Readiness(region=region, items=tuple(items))
