"""routing.json in a region's folder: the rules and the widget policy (docs/config-format.md).

Rules are matched to the database by their `code`, so loading the same file again changes
nothing, and a rule renamed in the file is a new rule. Rules in the database that the file
does not name are left alone (an editor may have added them in the admin) and listed as
existing only in the database; `load_region --prune` deletes them. The load checks that,
together with the file's rules, they still leave no tie.
"""

from __future__ import annotations

import re

from django.db.models import Count

from cms.models import Category, Channel, Organisation, Subcategory, Territory
from cms.regionconfig.files import Problem, RegionConfigError, RegionConfigFile, Stray
from cms.regionconfig.schema import check_object, check_unique
from cms.regionconfig.upsert import upsert

from .models import TIE_KEY_FIELDS, RoutingRule, RoutingSettings, WidgetPolicy

FILENAME = "routing.json"
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
TOP_SPEC = {"widget_policy": ((str,), False), "rules": ((list,), True)}
RULE_SPEC = {
    "code": ((str,), True),
    "category": ((str, None), False),
    "subcategory": ((str, None), False),
    "territory": ((str, None), False),
    "channel": ((str, None), False),
    "organisation": ((str,), True),
    "priority": ((int,), False),
    "is_active": ((bool,), False),
    "note": ((str,), False),
}
# Model field names as reported in "updated routing rule <code> (...)".
REPORTED_NAMES = {"category_id": "category", "subcategory_id": "subcategory",
                  "territory_id": "territory", "organisation_id": "organisation"}


def _category_of(subcategory_code: str) -> str:
    # The classifier's validator guarantees that a subcategory code starts with its
    # category's code ("07.03" is in "07"); the file check needs no database for this.
    return subcategory_code.split(".", 1)[0]


class RoutingFile(RegionConfigFile):
    filename = FILENAME
    order = 50

    def validate(self, data, ctx):
        file = self.filename
        if not check_object(ctx, file, "(top level)", data, TOP_SPEC):
            return
        policy = data.get("widget_policy", WidgetPolicy.WHEN_COMPETENT)
        if policy not in WidgetPolicy.values:
            ctx.problem(file, "widget_policy", f"unknown policy {policy!r} (expected one of: "
                                               f"{', '.join(WidgetPolicy.values)})")
        codes: set[str] = set()
        tie_keys: dict[tuple, str] = {}
        for index, rule in enumerate(data["rules"]):
            key = f"rules[{index}]"
            if not check_object(ctx, file, key, rule, RULE_SPEC):
                continue
            key = f"rules[{index}] ({rule['code']})"
            self._check_rule(ctx, key, rule)
            check_unique(ctx, file, f"{key}.code", codes, rule["code"])
            if not rule.get("is_active", True):
                continue
            subcategory = rule.get("subcategory")
            tie_key = (
                _category_of(subcategory) if subcategory else rule.get("category"),
                subcategory, rule.get("territory"), rule.get("channel"), rule.get("priority", 0),
            )
            if tie_key in tie_keys:
                ctx.problem(file, key, f"ties with rule {tie_keys[tie_key]!r}: the same "
                                       "category, subcategory, territory, channel and priority, "
                                       "so neither would win; change a priority")
            tie_keys.setdefault(tie_key, rule["code"])

    def _check_rule(self, ctx, key: str, rule: dict) -> None:
        file = self.filename
        if not CODE_RE.match(rule["code"]):
            ctx.problem(file, f"{key}.code", f"{rule['code']!r} is not a valid code "
                                             "(lowercase latin, digits, dashes; up to 100)")
        category, subcategory = rule.get("category"), rule.get("subcategory")
        if category is not None and category not in ctx.codes("category"):
            ctx.problem(file, f"{key}.category", f"unknown category {category!r}")
        if subcategory is not None:
            if subcategory not in ctx.codes("subcategory"):
                ctx.problem(file, f"{key}.subcategory", f"unknown subcategory {subcategory!r}")
            elif category is not None and _category_of(subcategory) != category:
                ctx.problem(file, f"{key}.subcategory",
                            f"subcategory {subcategory!r} is not in category {category!r}")
        territory = rule.get("territory")
        if territory is not None and territory not in ctx.codes("territory"):
            ctx.problem(file, f"{key}.territory", f"unknown territory {territory!r}")
        if rule["organisation"] not in ctx.codes("organisation"):
            ctx.problem(file, f"{key}.organisation",
                        f"unknown organisation {rule['organisation']!r}")
        channel = rule.get("channel")
        if channel is not None and channel not in Channel.values:
            ctx.problem(file, f"{key}.channel", f"unknown channel {channel!r} (expected one "
                                                f"of: {', '.join(Channel.values)}, or null)")

    def load(self, region, data, report):
        subcategories = {
            code: (pk, category_id)
            for code, pk, category_id in Subcategory.objects.values_list(
                "code", "pk", "category_id")
        }
        categories = dict(Category.objects.values_list("code", "pk"))
        territories = dict(Territory.objects.filter(region=region).values_list("code", "pk"))
        organisations = dict(
            Organisation.objects.filter(region=region).values_list("code", "pk"))
        existing = {rule.code: rule for rule in RoutingRule.objects.filter(region=region)}
        for item in data["rules"]:
            subcategory_id, category_id = subcategories.get(item.get("subcategory"), (None, None))
            if subcategory_id is None and item.get("category"):
                category_id = categories[item["category"]]
            values = {
                "category_id": category_id,
                "subcategory_id": subcategory_id,
                "territory_id": territories[item["territory"]] if item.get("territory") else None,
                "channel": item.get("channel") or "",
                "organisation_id": organisations[item["organisation"]],
                "priority": item.get("priority", 0),
                "is_active": item.get("is_active", True),
                "note": item.get("note", ""),
            }
            self._upsert_rule(region, existing.get(item["code"]), item["code"], values, report)
        upsert(RoutingSettings, {"region": region},
               {"widget_policy": data.get("widget_policy", WidgetPolicy.WHEN_COMPETENT)},
               report, "routing settings", region.code)
        problems = [
            Problem(self.filename, f"({codes[0]})",
                    f"ties with active rule(s) {', '.join(codes[1:])} in the database: the "
                    "same category, subcategory, territory, channel and priority")
            for codes in ties_in_region(region)
        ]
        if problems:
            raise RegionConfigError(problems)

    @staticmethod
    def _upsert_rule(region, rule, code, values, report) -> None:
        # Rules are saved without their own tie check: swapping two priorities in the file
        # passes through a momentary tie. `ties_in_region` checks the end state instead.
        if rule is None:
            RoutingRule(region=region, code=code, **values).save(validate=False)
            report.record("routing rule", code, "created")
            return
        changed = [name for name, value in values.items() if getattr(rule, name) != value]
        if not changed:
            report.record("routing rule", code, "unchanged")
            return
        for name in changed:
            setattr(rule, name, values[name])
        rule.save(validate=False, update_fields=changed)
        report.record("routing rule", code, "updated",
                      ", ".join(REPORTED_NAMES.get(name, name) for name in changed))

    def export(self, region):
        rules = sorted(
            RoutingRule.objects.filter(region=region)
            .select_related("category", "subcategory", "territory", "organisation"),
            key=_export_order,
        )
        settings = RoutingSettings.objects.filter(region=region).first()
        if not rules and settings is None:
            return None
        return {
            "widget_policy": settings.widget_policy if settings else WidgetPolicy.WHEN_COMPETENT,
            "rules": [
                {
                    "code": rule.code,
                    "category": rule.category.code if rule.category else None,
                    "subcategory": rule.subcategory.code if rule.subcategory else None,
                    "territory": rule.territory.code if rule.territory else None,
                    "channel": rule.channel or None,
                    "organisation": rule.organisation.code,
                    "priority": rule.priority,
                    "is_active": rule.is_active,
                    "note": rule.note,
                }
                for rule in rules
            ],
        }

    def strays(self, region, data):
        """Rules the file does not name (an editor's, or dropped from the file): listed,
        and removable (a message's history names its rule by code, not by the row)."""
        named = {rule["code"] for rule in data["rules"]}
        return [Stray("routing rule", rule.code, remove=rule.delete)
                for rule in RoutingRule.objects.filter(region=region).order_by("code")
                if rule.code not in named]


def _export_order(rule: RoutingRule) -> tuple:
    # Sorted here rather than in SQL: the database's collation must not change the file.
    return (
        rule.category.code if rule.category else "",
        rule.subcategory.code if rule.subcategory else "",
        rule.territory.code if rule.territory else "",
        rule.channel,
        -rule.priority,
        rule.code,
    )


def ties_in_region(region) -> list[list[str]]:
    """Codes of active rules that tie, one list per tie, in one query plus one per tie."""
    active = RoutingRule.objects.filter(region=region, is_active=True)
    tied_keys = (
        active.values(*TIE_KEY_FIELDS).annotate(rules=Count("pk")).filter(rules__gt=1)
        .order_by()
    )
    return [
        sorted(active.filter(**{name: key[name] for name in TIE_KEY_FIELDS})
               .values_list("code", flat=True))
        for key in tied_keys
    ]
