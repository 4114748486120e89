"""The routing plugin's readiness check: subcategories no active rule reaches.

A subcategory is reached by an active rule of the region for it, for its category, or for
any category (a catch-all), addressed to one of the region's organisations. Territory and
channel limits are not weighed: a rule for part of the region still shows the subcategory
was routed on purpose. A subcategory nothing reaches blocks go-live: its messages would all
fall to the default moderating organisation. One query, whatever the size of the classifier.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.kernel.hookspecs import ReadinessItem
from cms.models import Subcategory

from .models import RoutingRule


def routing_readiness(region) -> list[ReadinessItem]:
    reaching_rules = RoutingRule.objects.filter(
        region=region, is_active=True, organisation__region=region,
    ).filter(
        Q(subcategory=OuterRef("pk"))
        | Q(subcategory__isnull=True, category=OuterRef("category"))
        | Q(subcategory__isnull=True, category__isnull=True)
    )
    unreached = (
        Subcategory.objects
        .exclude(category__in=region.hidden_categories.values("pk"))
        .filter(~Exists(reaching_rules))
        .select_related("category")
        .order_by("category__code", "position", "code")
    )
    create_rule = reverse("routing_routingrule_modeladmin_create")
    return [
        ReadinessItem(
            check="routing-gap",
            message=_("No routing rule reaches an organisation for %(code)s "
                      "%(subcategory)s (%(category)s).") % {
                "code": subcategory.code, "subcategory": subcategory.name,
                "category": subcategory.category.name},
            fix_url=create_rule,
            blocking=True,
        )
        for subcategory in unreached
    ]
