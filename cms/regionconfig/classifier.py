"""The national classifier file (config/regions/classifier.json), shared by every region."""

from __future__ import annotations

import re

from cms.models import Category, Subcategory

from .files import ChangeReport, ValidationContext
from .schema import check_object, check_unique
from .upsert import upsert

FILENAME = "classifier.json"
CATEGORY_CODE_RE = re.compile(r"^\d{2}$")
SUBCATEGORY_CODE_RE = re.compile(r"^(\d{2})\.\d{2}$")
# 59-FZ art. 12: an appeal is considered within 30 days.
MAX_TOTAL_DAYS = 30
TERM_FIELDS = ("moderation_days", "work_days", "approval_days")

TOP_SPEC = {"note": ((str,), False), "categories": ((list,), True)}
CATEGORY_SPEC = {
    "code": ((str,), True),
    "name": ((str,), True),
    "name_en": ((str,), False),
    "subcategories": ((list,), True),
}
SUBCATEGORY_SPEC = {
    "code": ((str,), True),
    "name": ((str,), True),
    "name_en": ((str,), False),
    "moderation_days": ((int,), True),
    "work_days": ((int,), True),
    "approval_days": ((int,), True),
    "photo_required": ((bool,), True),
}


def validate_classifier(data, ctx: ValidationContext) -> None:
    file = FILENAME
    if not check_object(ctx, file, "(top level)", data, TOP_SPEC):
        return
    category_codes: set[str] = set()
    subcategory_codes: set[str] = set()
    for c_index, category in enumerate(data["categories"]):
        c_key = f"categories[{c_index}]"
        if not check_object(ctx, file, c_key, category, CATEGORY_SPEC):
            continue
        c_key = f"{c_key} ({category['code']})"
        if not CATEGORY_CODE_RE.match(category["code"]):
            ctx.problem(file, f"{c_key}.code", "a category code is two digits, e.g. '07'")
        check_unique(ctx, file, f"{c_key}.code", category_codes, category["code"])
        if not category["subcategories"]:
            ctx.problem(file, f"{c_key}.subcategories", "a category needs subcategories")
        for s_index, sub in enumerate(category["subcategories"]):
            s_key = f"{c_key}.subcategories[{s_index}]"
            if not check_object(ctx, file, s_key, sub, SUBCATEGORY_SPEC):
                continue
            s_key = f"{s_key} ({sub['code']})"
            match = SUBCATEGORY_CODE_RE.match(sub["code"])
            if not match:
                ctx.problem(file, f"{s_key}.code", "a subcategory code is 'NN.NN', e.g. '07.03'")
            elif match.group(1) != category["code"]:
                ctx.problem(file, f"{s_key}.code",
                            f"does not belong to category {category['code']!r}")
            check_unique(ctx, file, f"{s_key}.code", subcategory_codes, sub["code"])
            for name in TERM_FIELDS:
                if sub[name] < 1:
                    ctx.problem(file, f"{s_key}.{name}", "must be at least 1 working day")
            total = sum(sub[name] for name in TERM_FIELDS)
            if total > MAX_TOTAL_DAYS:
                ctx.problem(file, s_key,
                            f"the terms add up to {total} days, more than {MAX_TOTAL_DAYS}")
    ctx.codes("category").update(category_codes)
    ctx.codes("subcategory").update(subcategory_codes)


def load_classifier(data, report: ChangeReport) -> None:
    for c_position, item in enumerate(data["categories"], start=1):
        category = upsert(
            Category,
            {"code": item["code"]},
            {"name": item["name"], "name_en": item.get("name_en", ""), "position": c_position},
            report, "category", item["code"],
        )
        for s_position, sub in enumerate(item["subcategories"], start=1):
            upsert(
                Subcategory,
                {"code": sub["code"]},
                {
                    "category": category,
                    "name": sub["name"],
                    "name_en": sub.get("name_en", ""),
                    "position": s_position,
                    **{name: sub[name] for name in TERM_FIELDS},
                    "photo_required": sub["photo_required"],
                },
                report, "subcategory", sub["code"],
            )


def export_classifier(note: str = "") -> dict:
    subcategories_by_category: dict[int, list[Subcategory]] = {}
    for sub in Subcategory.objects.order_by("position", "code"):
        subcategories_by_category.setdefault(sub.category_id, []).append(sub)
    document: dict = {"note": note} if note else {}
    document["categories"] = [
        {
            "code": category.code,
            "name": category.name,
            "name_en": category.name_en,
            "subcategories": [
                {
                    "code": sub.code,
                    "name": sub.name,
                    "name_en": sub.name_en,
                    **{name: getattr(sub, name) for name in TERM_FIELDS},
                    "photo_required": sub.photo_required,
                }
                for sub in subcategories_by_category.get(category.pk, [])
            ],
        }
        for category in Category.objects.order_by("position", "code")
    ]
    return document
