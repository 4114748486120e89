"""The core's files of a region folder: region, territories, organisations, staff."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cms.kernel.plugins import ESSENTIAL_PLUGIN_NAMES, switchable_plugin_names
from cms.models import (
    Appeal,
    Category,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    StaffMembership,
    Territory,
    TerritoryKind,
)
from cms.models.regions import validate_time_zone
from cms.permissions.grants import grant_role, revoke_role

from .files import ChangeReport, RegionConfigFile, Stray, ValidationContext
from .schema import check_list, check_object, check_string_list, check_unique
from .upsert import sync_many, upsert

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


def _check_code(ctx: ValidationContext, file: str, key: str, code: str) -> None:
    if not CODE_RE.match(code):
        ctx.problem(file, key, f"{code!r} is not a valid code (lowercase latin, digits, dashes)")


def _declared_code(item) -> bool:
    return isinstance(item, dict) and isinstance(item.get("code"), str)


def _declared_parent(item) -> str | None:
    parent = item.get("parent")
    return parent if isinstance(parent, str) else None


def _find_cycles(parents: dict[str, str | None]) -> list[str]:
    """Codes that are their own ancestor."""
    cyclic = []
    for start in parents:
        seen = {start}
        node = parents.get(start)
        while node is not None and node in parents:
            if node in seen:
                cyclic.append(start)
                break
            seen.add(node)
            node = parents[node]
    return cyclic


class RegionFile(RegionConfigFile):
    filename = "region.json"
    required = True
    order = 0
    spec = {
        "code": ((str,), True),
        "name": ((str,), True),
        "name_en": ((str,), False),
        "time_zone": ((str,), True),
        "default_moderating_organisation": ((str, None), True),
        "disabled_plugins": ((list,), False),
        "hidden_categories": ((list,), False),
    }

    def validate(self, data, ctx):
        file = self.filename
        if not check_object(ctx, file, "(top level)", data, self.spec):
            return
        _check_code(ctx, file, "code", data["code"])
        if not data["name"].strip():
            ctx.problem(file, "name", "must not be empty")
        try:
            validate_time_zone(data["time_zone"])
        except ValidationError:
            ctx.problem(file, "time_zone", f"{data['time_zone']!r} is not a known time zone")
        known_plugins = set(switchable_plugin_names())
        for index, name in enumerate(check_string_list(ctx, file, "disabled_plugins",
                                                       data.get("disabled_plugins", []))):
            if name in ESSENTIAL_PLUGIN_NAMES:
                ctx.problem(file, f"disabled_plugins[{index}]",
                            f"{name!r} is essential and cannot be switched off")
            elif name not in known_plugins:
                ctx.problem(file, f"disabled_plugins[{index}]", f"unknown plugin {name!r}")
        hidden = check_string_list(ctx, file, "hidden_categories",
                                   data.get("hidden_categories", []))
        for index, code in enumerate(hidden):
            if code not in ctx.codes("category"):
                ctx.problem(file, f"hidden_categories[{index}]", f"unknown category {code!r}")

    def validate_references(self, data, ctx):
        """Checked after organisations.json registered its codes."""
        code = data.get("default_moderating_organisation") if isinstance(data, dict) else None
        if code is not None and code not in ctx.codes("organisation"):
            ctx.problem(self.filename, "default_moderating_organisation",
                        f"unknown organisation {code!r}")

    def load(self, region, data, report):
        raise AssertionError("region.json is loaded by the loader in two steps")

    def load_region(self, data, report: ChangeReport) -> Region:
        return upsert(
            Region,
            {"code": data["code"]},
            {
                "name": data["name"],
                "name_en": data.get("name_en", ""),
                "time_zone": data["time_zone"],
                "disabled_plugins": data.get("disabled_plugins", []),
            },
            report, "region", data["code"],
        )

    def link(self, region: Region, data, report: ChangeReport) -> None:
        default_code = data["default_moderating_organisation"]
        default = (
            Organisation.objects.get(region=region, code=default_code) if default_code else None
        )
        upsert(Region, {"pk": region.pk}, {"default_moderating_organisation": default},
               report, "region", region.code)
        hidden = list(Category.objects.filter(code__in=data.get("hidden_categories", [])))
        sync_many(region, "hidden_categories", hidden, report, "region", region.code)

    def export(self, region):
        default = region.default_moderating_organisation
        return {
            "code": region.code,
            "name": region.name,
            "name_en": region.name_en,
            "time_zone": region.time_zone,
            "default_moderating_organisation": default.code if default else None,
            "disabled_plugins": list(region.disabled_plugins),
            "hidden_categories": sorted(region.hidden_categories.values_list("code", flat=True)),
        }


class CodedTreeFile(RegionConfigFile):
    """A list of entries with a code, a kind and a parent code (territories, organisations).

    Checks the shape of each entry, unique codes, kinds, that parents exist and that no
    entry is its own ancestor, then declares the codes for the files after it. Subclasses
    add their own checks in `validate_item` and `validate_tree`.
    """

    noun = ""
    kinds: frozenset[str] = frozenset()
    spec: dict = {}

    def validate(self, data, ctx):
        file = self.filename
        if not check_list(ctx, file, data):
            return
        seen: set[str] = set()
        parents: dict[str, str | None] = {}
        for index, item in enumerate(data):
            key = f"[{index}]"
            if not check_object(ctx, file, key, item, self.spec):
                # Still declare its code, so one bad entry does not cascade into others.
                if _declared_code(item):
                    parents.setdefault(item["code"], _declared_parent(item))
                continue
            key = f"[{index}] ({item['code']})"
            _check_code(ctx, file, f"{key}.code", item["code"])
            check_unique(ctx, file, f"{key}.code", seen, item["code"])
            if item["kind"] not in self.kinds:
                ctx.problem(file, f"{key}.kind", f"unknown kind {item['kind']!r} "
                            f"(expected one of: {', '.join(sorted(self.kinds))})")
            self.validate_item(item, key, ctx)
            parents[item["code"]] = item.get("parent")
        self.validate_tree(parents, ctx)
        for code, parent in parents.items():
            if parent is not None and parent not in parents:
                ctx.problem(file, f"({code}).parent", f"unknown {self.noun} {parent!r}")
        for code in _find_cycles(parents):
            ctx.problem(file, f"({code}).parent", f"the {self.noun} is its own ancestor")
        ctx.codes(self.noun).update(parents)

    def validate_item(self, item, key, ctx) -> None:
        """Checks of one well-formed entry beyond the common ones."""

    def validate_tree(self, parents: dict[str, str | None], ctx) -> None:
        """Checks of the whole list (e.g. a single root)."""


class TerritoriesFile(CodedTreeFile):
    filename = "territories.json"
    required = True
    order = 10
    noun = "territory"
    kinds = frozenset(TerritoryKind.values)
    spec = {
        "code": ((str,), True),
        "name": ((str,), True),
        "kind": ((str,), True),
        "parent": ((str, None), True),
    }

    def validate_tree(self, parents, ctx):
        roots = [code for code, parent in parents.items() if parent is None]
        if len(roots) != 1:
            ctx.problem(self.filename, "(top level)",
                        f"there must be exactly one root territory (parent null), found {len(roots)}")

    def load(self, region, data, report):
        existing = {t.code: t for t in Territory.objects.filter(region=region)}
        for item in _parents_first(data):
            code = item["code"]
            values = {"name": item["name"], "kind": item["kind"]}
            node = existing.get(code)
            parent = existing.get(item["parent"]) if item["parent"] else None
            if node is None:
                if parent is None:
                    node = Territory.add_root(region=region, code=code, **values)
                else:
                    node = parent.add_child(region=region, code=code, **values)
                report.record("territory", code, "created")
            else:
                changed = [name for name, value in values.items() if getattr(node, name) != value]
                current_parent = node.get_parent()
                if (current_parent.code if current_parent else None) != item["parent"]:
                    node.move(parent, "last-child")
                    node.refresh_from_db()
                    changed.append("parent")
                for name in changed:
                    if name != "parent":
                        setattr(node, name, values[name])
                if changed:
                    node.save()
                    report.record("territory", code, "updated", ", ".join(changed))
                else:
                    report.record("territory", code, "unchanged")
            existing[code] = node
            # treebeard updates the parent's child count in the database; refetch it so
            # the next add_child under the same parent computes the right path.
            if parent is not None:
                existing[item["parent"]] = Territory.objects.get(pk=parent.pk)

    def export(self, region):
        nodes = list(Territory.objects.filter(region=region).order_by("path"))
        code_by_path = {node.path: node.code for node in nodes}
        return [
            {
                "code": node.code,
                "name": node.name,
                "kind": node.kind,
                "parent": code_by_path.get(node.path[: -node.steplen]) if node.depth > 1 else None,
            }
            for node in nodes
        ]

    def strays(self, region, data):
        named = {item["code"] for item in data}
        strays = []
        for node in Territory.objects.filter(region=region).order_by("-depth", "path"):
            if node.code in named:
                continue
            if Appeal.objects.filter(territory=node).exists():
                strays.append(Stray("territory", node.code,
                                    kept_because="messages are about it"))
            elif node.get_children_count():
                strays.append(Stray("territory", node.code,
                                    kept_because="territories are under it"))
            else:
                strays.append(Stray("territory", node.code, remove=node.delete))
        return strays


def _parents_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items ordered so that each comes after its parent, otherwise in file order."""
    by_code = {item["code"]: item for item in items}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(item):
        if item["code"] in placed:
            return
        parent = item.get("parent")
        if parent is not None and parent in by_code:
            place(by_code[parent])
        placed.add(item["code"])
        ordered.append(item)

    for item in items:
        place(item)
    return ordered


class OrganisationsFile(CodedTreeFile):
    filename = "organisations.json"
    required = True
    order = 20
    noun = "organisation"
    kinds = frozenset(OrganisationKind.values)
    spec = {
        "code": ((str,), True),
        "name": ((str,), True),
        "short_name": ((str,), False),
        "kind": ((str,), True),
        "parent": ((str, None), False),
        "territories": ((list,), True),
        "website_domains": ((list,), False),
    }

    def validate_item(self, item, key, ctx):
        file = self.filename
        territories = ctx.codes("territory")
        for t_index, code in enumerate(check_string_list(ctx, file, f"{key}.territories",
                                                         item["territories"])):
            if code not in territories:
                ctx.problem(file, f"{key}.territories[{t_index}]", f"unknown territory {code!r}")
        domains = check_string_list(ctx, file, f"{key}.website_domains",
                                    item.get("website_domains", []))
        for d_index, domain in enumerate(domains):
            if not HOSTNAME_RE.match(domain):
                ctx.problem(file, f"{key}.website_domains[{d_index}]",
                            f"{domain!r} is not a host name")

    def load(self, region, data, report):
        territories = {t.code: t for t in Territory.objects.filter(region=region)}
        organisations = {}
        for item in data:
            organisation = upsert(
                Organisation,
                {"region": region, "code": item["code"]},
                {
                    "name": item["name"],
                    "short_name": item.get("short_name", ""),
                    "kind": item["kind"],
                    "website_domains": item.get("website_domains", []),
                },
                report, "organisation", item["code"],
            )
            sync_many(organisation, "territories",
                      [territories[code] for code in item["territories"]],
                      report, "organisation", item["code"])
            organisations[item["code"]] = organisation
        for item in data:
            organisation = organisations[item["code"]]
            parent = organisations.get(item.get("parent")) if item.get("parent") else None
            if organisation.parent_id != (parent.pk if parent else None):
                organisation.parent = parent
                organisation.save(update_fields=["parent"])
                report.record("organisation", item["code"], "updated", "parent")

    def export(self, region):
        organisations = (
            Organisation.objects.filter(region=region)
            .select_related("parent")
            .prefetch_related("territories")
            .order_by("code")
        )
        return [
            {
                "code": org.code,
                "name": org.name,
                "short_name": org.short_name,
                "kind": org.kind,
                "parent": org.parent.code if org.parent else None,
                "territories": sorted(t.code for t in org.territories.all()),
                "website_domains": list(org.website_domains),
            }
            for org in organisations
        ]

    def strays(self, region, data):
        named = {item["code"] for item in data}
        strays = []
        for org in Organisation.objects.filter(region=region).exclude(code__in=named):
            if Appeal.objects.filter(organisation=org).exists() or Appeal.objects.filter(
                    widget_organisation=org).exists():
                strays.append(Stray("organisation", org.code, kept_because="it has messages"))
            elif region.default_moderating_organisation_id == org.pk:
                strays.append(Stray("organisation", org.code,
                                    kept_because="the region's default moderating organisation"))
            else:
                strays.append(Stray("organisation", org.code, remove=org.delete))
        return strays


class StaffFile(RegionConfigFile):
    filename = "staff.json"
    order = 30
    spec = {
        "username": ((str,), True),
        "first_name": ((str,), False),
        "last_name": ((str,), False),
        "email": ((str,), False),
        "roles": ((list,), True),
    }
    role_spec = {"organisation": ((str,), True), "role": ((str,), True)}

    def validate(self, data, ctx):
        file = self.filename
        if not check_list(ctx, file, data):
            return
        seen: set[str] = set()
        organisations = ctx.codes("organisation")
        roles = set(Role.values)
        for index, item in enumerate(data):
            key = f"[{index}]"
            if not check_object(ctx, file, key, item, self.spec):
                continue
            key = f"[{index}] ({item['username']})"
            if not USERNAME_RE.match(item["username"]):
                ctx.problem(file, f"{key}.username", "not a valid user name")
            check_unique(ctx, file, f"{key}.username", seen, item["username"], "user name")
            if item.get("email"):
                try:
                    validate_email(item["email"])
                except ValidationError:
                    ctx.problem(file, f"{key}.email", f"{item['email']!r} is not an e-mail")
            for r_index, grant in enumerate(item["roles"]):
                r_key = f"{key}.roles[{r_index}]"
                if not check_object(ctx, file, r_key, grant, self.role_spec):
                    continue
                if grant["organisation"] not in organisations:
                    ctx.problem(file, f"{r_key}.organisation",
                                f"unknown organisation {grant['organisation']!r}")
                if grant["role"] not in roles:
                    ctx.problem(file, f"{r_key}.role",
                                f"unknown role {grant['role']!r} (expected one of: "
                                f"{', '.join(sorted(roles))})")

    def load(self, region, data, report):
        User = get_user_model()
        organisations = {o.code: o for o in Organisation.objects.filter(region=region)}
        for item in data:
            username = item["username"]
            values = {
                "first_name": item.get("first_name", ""),
                "last_name": item.get("last_name", ""),
                "email": item.get("email", ""),
            }
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, **values)
                # Files never carry passwords: staff log in through the identity provider.
                user.set_unusable_password()
                user.save()
                report.record("user", username, "created")
            else:
                upsert(User, {"pk": user.pk}, values, report, "user", username)
            for grant in item["roles"]:
                _membership, created = grant_role(
                    user, organisations[grant["organisation"]], Role(grant["role"])
                )
                report.record("role", f"{username}@{grant['organisation']}:{grant['role']}",
                              "created" if created else "unchanged")

    def export(self, region):
        memberships = (
            StaffMembership.objects.filter(organisation__region=region)
            .select_related("user", "organisation")
            .order_by("user__username", "organisation__code", "role")
        )
        users: dict[str, dict[str, Any]] = {}
        for membership in memberships:
            user = membership.user
            entry = users.setdefault(user.username, {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "roles": [],
            })
            entry["roles"].append(
                {"organisation": membership.organisation.code, "role": membership.role}
            )
        return list(users.values()) or None

    def strays(self, region, data):
        """Roles the file no longer gives: removing one takes the role, never the account
        (the person may hold roles elsewhere, and their actions name them)."""
        named = {(item["username"], grant["organisation"], grant["role"])
                 for item in data for grant in item["roles"]}
        return [
            Stray("role", f"{m.user.username}@{m.organisation.code}:{m.role}",
                  remove=lambda m=m: revoke_role(m.user, m.organisation, Role(m.role)))
            for m in StaffMembership.objects.filter(organisation__region=region)
            .select_related("user", "organisation").order_by("user__username", "pk")
            if (m.user.username, m.organisation.code, m.role) not in named
        ]


CORE_FILES: tuple[RegionConfigFile, ...] = (
    RegionFile(), TerritoriesFile(), OrganisationsFile(), StaffFile(),
)
