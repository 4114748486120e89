"""Choosing the addressee of a message: the widget's organisation, or the best rule.

Whatever the number of rules, a decision costs at most two queries: one when the message
came through a widget (the region's policy and the widget organisation's competence,
together), one for the region's rules, read once per region version and kept in memory
(`cms.submission.region_cache`), so usually none. The territory's ancestry comes from its materialised path
(`Territory.ancestor_paths()`), so "a rule on a territory covers its subtree" is an indexed
`IN` over a handful of paths, and the database orders the candidates by specificity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import AddresseeChoice
from cms.kernel.plugins import hooks_for
from cms.models import Appeal, Channel, Organisation
from cms.submission.region_cache import region_cached

from .models import RoutingRule, RoutingSettings, WidgetPolicy

if TYPE_CHECKING:
    from cms.models import Category, Region, Subcategory, Territory

# Most specific first: subcategory over category over catch-all; a deeper territory over
# a shallower one (the whole region is depth 0); a rule for the message's channel over one
# for any channel; then the higher priority. The pk only makes the order total for rules
# written around validation (bulk inserts); a saved rule set never needs it.
SPECIFICITY_ORDER = ("-subject_rank", "-territory_depth", "-channel_rank", "-priority", "pk")


def _territory_paths(appeal: Appeal) -> list[str]:
    return appeal.territory.ancestor_paths() if appeal.territory_id else []


def _category_id(appeal: Appeal) -> int | None:
    if appeal.category_id is None and appeal.subcategory_id is not None:
        return appeal.subcategory.category_id
    return appeal.category_id


def matching_rules(appeal: Appeal) -> QuerySet[RoutingRule]:
    """The region's active rules that cover the message, most specific first."""
    subject = Q(category__isnull=True, subcategory__isnull=True)
    if appeal.subcategory_id is not None:
        subject |= Q(subcategory_id=appeal.subcategory_id)
    category_id = _category_id(appeal)
    if category_id is not None:
        subject |= Q(category_id=category_id, subcategory__isnull=True)
    return (
        RoutingRule.objects.filter(region_id=appeal.region_id, is_active=True)
        .filter(subject)
        .filter(Q(territory__isnull=True) | Q(territory__path__in=_territory_paths(appeal)))
        .filter(Q(channel="") | Q(channel=appeal.channel))
        .annotate(
            subject_rank=Case(
                When(subcategory__isnull=False, then=Value(2)),
                When(category__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            territory_depth=Coalesce("territory__depth", Value(0)),
            channel_rank=Case(When(channel="", then=Value(0)), default=Value(1),
                              output_field=IntegerField()),
        )
        .order_by(*SPECIFICITY_ORDER)
    )


def best_rule(appeal: Appeal) -> RoutingRule | None:
    """The rule that answers for the message, with what explaining it needs.

    Chosen in Python among the region's active rules, kept per region version
    (`region_cache`; a rule or setting saved bumps it), in `matching_rules`' order: no
    query once the region's rules are in memory."""
    paths = set(_territory_paths(appeal))
    category_id = _category_id(appeal)
    by_subject = rules_by_subject(appeal.region)
    # The rules whose subject covers the message: its subcategory's, its category's,
    # the catch-alls (a region's other subjects are never looked at).
    of_category = (by_subject.get(("category", category_id), ())
                   if category_id is not None else ())
    subject_rules = [
        *by_subject.get(("subcategory", appeal.subcategory_id), ()),
        *of_category,
        *by_subject.get(("any", None), ()),
    ]
    candidates = [rule for rule in subject_rules
                  if (rule.territory_id is None or rule.territory.path in paths)
                  and rule.channel in ("", appeal.channel)]
    return min(candidates, key=specificity_key, default=None)


def _subject(rule: RoutingRule) -> tuple[str, int | None]:
    if rule.subcategory_id is not None:
        return ("subcategory", rule.subcategory_id)
    if rule.category_id is not None:
        return ("category", rule.category_id)
    return ("any", None)


def rules_by_subject(region) -> dict[tuple[str, int | None], list[RoutingRule]]:
    """The region's active rules by what they are for, kept with `active_rules`."""

    def index() -> dict[tuple[str, int | None], list[RoutingRule]]:
        found: dict[tuple[str, int | None], list[RoutingRule]] = {}
        for rule in active_rules(region):
            found.setdefault(_subject(rule), []).append(rule)
        return found

    return region_cached(region, "routing:rules_by_subject", index)


def specificity_key(rule: RoutingRule) -> tuple:
    """`SPECIFICITY_ORDER` as a sort key (the smallest wins)."""
    subject_rank = 2 if rule.subcategory_id else (1 if rule.category_id else 0)
    territory_depth = rule.territory.depth if rule.territory_id else 0
    channel_rank = 1 if rule.channel else 0
    return (-subject_rank, -territory_depth, -channel_rank, -rule.priority, rule.pk)


def active_rules(region) -> list[RoutingRule]:
    """The region's active rules with what choosing and explaining need, per version."""
    return region_cached(region, "routing:active_rules", lambda: list(
        RoutingRule.objects.filter(region=region, is_active=True)
        .select_related("organisation", "category", "subcategory", "territory")
        .order_by("pk")))


def _widget_organisation(appeal: Appeal) -> Organisation | None:
    """The widget's organisation of the message's own region (a forged one of another region
    is ignored), annotated with the region's widget policy and why it may be competent."""
    region_policy = RoutingSettings.objects.filter(region_id=appeal.region_id).values(
        "widget_policy")[:1]
    # "A rule for the category" means a category or subcategory rule; a catch-all naming
    # the organisation says nothing about what it is competent for.
    its_rules = (
        matching_rules(appeal)
        .filter(organisation_id=OuterRef("pk"))
        .exclude(category__isnull=True, subcategory__isnull=True)
    )
    serves_territory = Organisation.territories.through.objects.filter(
        organisation_id=OuterRef("pk"), territory__path__in=_territory_paths(appeal)
    )
    return (
        Organisation.objects.filter(pk=appeal.widget_organisation_id, region_id=appeal.region_id)
        .annotate(
            widget_policy=Coalesce(Subquery(region_policy), Value(WidgetPolicy.WHEN_COMPETENT)),
            competent_rule_id=Subquery(its_rules.values("pk")[:1]),
            competent_rule_code=Subquery(its_rules.values("code")[:1]),
            serves_territory=Exists(serves_territory),
        )
        .first()
    )


def _widget_choice(appeal: Appeal) -> tuple[AddresseeChoice | None, Organisation | None]:
    """(the choice when the widget's organisation wins, the organisation when it does not)."""
    organisation = _widget_organisation(appeal)
    if organisation is None:
        return None, None
    params = {"organisation": organisation}
    details = {"rule": None, "widget_organisation": organisation.pk}
    if organisation.widget_policy == WidgetPolicy.ALWAYS:
        explanation = _("Sent through the widget of %(organisation)s: in this region the "
                        "widget's organisation always receives the message.") % params
    elif organisation.competent_rule_id is not None:
        explanation = _("Sent through the widget of %(organisation)s, which routing rule "
                        "%(rule)s makes competent for this category.") % {
            **params, "rule": organisation.competent_rule_code}
        details.update(rule=organisation.competent_rule_id,
                       rule_code=organisation.competent_rule_code)
    elif organisation.serves_territory:
        explanation = _("Sent through the widget of %(organisation)s, which serves the "
                        "message's territory.") % params
    else:
        return None, organisation
    return AddresseeChoice(organisation, str(explanation), details), None


def route(appeal: Appeal) -> AddresseeChoice | None:
    """The routing plugin's answer for a message, or None when no rule covers it."""
    passed_over = None
    if appeal.channel == Channel.WIDGET and appeal.widget_organisation_id is not None:
        choice, passed_over = _widget_choice(appeal)
        if choice is not None:
            return choice
    rule = best_rule(appeal)
    if rule is None:
        return None
    explanation = _("Routing rule %(rule)s (%(description)s).") % {
        "rule": rule.code, "description": rule.describe()}
    if passed_over is not None:
        explanation = _("%(explanation)s The widget's organisation, %(organisation)s, is not "
                        "competent for it.") % {"explanation": explanation,
                                                 "organisation": passed_over}
    return AddresseeChoice(
        organisation=rule.organisation,
        explanation=str(explanation),
        details={"rule": rule.pk, "rule_code": rule.code},
    )


def explain_routing(
    region: Region,
    category: Category | None,
    subcategory: Subcategory | None,
    territory: Territory,
    channel: str = Channel.PORTAL,
    widget_organisation: Organisation | None = None,
) -> AddresseeChoice | None:
    """Who would receive such a message, and why: what the "try it" form shows.

    Asks the kernel, exactly as registration and the moderator's reassignment do, so the
    answer includes the region's plugin switches and the core's fallback. `category` may
    be None when `subcategory` is given. None only when the region has no default
    moderating organisation and nothing else answers.
    """
    appeal = Appeal(
        region=region,
        category=category or subcategory.category,
        subcategory=subcategory,
        territory=territory,
        channel=channel,
        widget_organisation=widget_organisation,
    )
    return hooks_for(region).choose_addressee(appeal=appeal)
