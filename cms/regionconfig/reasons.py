"""`rejection_reasons.json` in a region's folder: the reasons moderators reject with.

Every region starts with the built-in reasons (`cms.workflow.reasons`); the file rewords,
reorders or retires them (`code` names them) and adds the region's own (`code` null, matched
by their title, so rewording one of the region's own reasons in the file makes a new
reason). A reason the file does not name exists only in the database: `--prune` deletes one
of the region's own that no message was rejected with; built-in reasons are never deleted
(retire them with `"is_active": false`).
"""

from __future__ import annotations

from cms.models import AppealEvent, RejectionReason
from cms.models.processing import UNRETIRABLE_REASONS
from cms.workflow.reasons import DEFAULT_REJECTION_REASONS

from .files import RegionConfigFile, Stray, ValidationContext
from .schema import check_list, check_object, check_unique
from .upsert import upsert

BUILT_IN = {choice.key for choice in DEFAULT_REJECTION_REASONS}
TITLE_LENGTH = RejectionReason._meta.get_field("title").max_length


def _name(item) -> str:
    return item["code"] or item["title"]


class ReasonsFile(RegionConfigFile):
    filename = "rejection_reasons.json"
    order = 36
    spec = {
        "code": ((str, None), True),
        "title": ((str,), True),
        "needs_reference": ((bool,), False),
        "position": ((int,), False),
        "is_active": ((bool,), False),
    }

    def validate(self, data, ctx: ValidationContext) -> None:
        file = self.filename
        if not check_list(ctx, file, data):
            return
        seen: set[str] = set()
        for index, item in enumerate(data):
            key = f"[{index}]"
            if not check_object(ctx, file, key, item, self.spec):
                continue
            key = f"[{index}] ({_name(item)})"
            code, title = item["code"], item["title"]
            if code is not None and code not in BUILT_IN:
                ctx.problem(file, f"{key}.code", f"unknown built-in reason {code!r} (expected "
                            f"one of: {', '.join(sorted(BUILT_IN))}, or null for the region's "
                            "own)")
            check_unique(ctx, file, key, seen, _name(item), "reason")
            if not title.strip():
                ctx.problem(file, f"{key}.title", "must not be empty")
            elif len(title) > TITLE_LENGTH:
                ctx.problem(file, f"{key}.title", f"longer than {TITLE_LENGTH} characters")
            if code in UNRETIRABLE_REASONS and not item.get("is_active", True):
                ctx.problem(file, f"{key}.is_active", "this reason stays in use: rejecting a "
                            "message as a duplicate of another relies on it")
            if not 0 <= item.get("position", 0) <= 32767:
                ctx.problem(file, f"{key}.position", "must be from 0 to 32767")

    def load(self, region, data, report) -> None:
        for item in data:
            lookup = ({"region": region, "code": item["code"]} if item["code"]
                      else {"region": region, "code": "", "title": item["title"]})
            values = {"needs_reference": item.get("needs_reference", False),
                      "position": item.get("position", 0),
                      "is_active": item.get("is_active", True)}
            if item["code"]:
                values["title"] = item["title"]
            upsert(RejectionReason, lookup, values, report, "rejection reason", _name(item))

    def export(self, region):
        reasons = sorted(RejectionReason.objects.filter(region=region),
                         key=lambda r: (r.position, r.code == "", r.code, r.title))
        return [
            {
                "code": reason.code or None,
                "title": reason.title,
                "needs_reference": reason.needs_reference,
                "position": reason.position,
                "is_active": reason.is_active,
            }
            for reason in reasons
        ]

    def strays(self, region, data):
        named = {(item["code"] or "", "" if item["code"] else item["title"]) for item in data}
        strays = []
        for reason in RejectionReason.objects.filter(region=region):
            if (reason.code, "" if reason.code else reason.title) in named:
                continue
            if reason.code:
                strays.append(Stray("rejection reason", reason.code, kept_because=(
                    "a built-in reason (retire it with \"is_active\": false)")))
            elif AppealEvent.objects.filter(
                    data__reason_key=f"region:{reason.pk}").exists():
                strays.append(Stray("rejection reason", reason.title,
                                    kept_because="messages were rejected with it"))
            else:
                strays.append(Stray("rejection reason", reason.title, remove=reason.delete))
        return strays
