"""`portal.json` in a region's folder: the region's portal (docs/config-format.md).

The portal is the region's Wagtail Site (its address), the site's root page (the portal
home) and the submission pages under it, with their categories, extra questions and consent
texts. Pages are written as an editor's would be: a revision, then published, so the
page's history shows each load. A page is matched by its slug under the region's home; a
page the file no longer names exists only in the database, and `--prune` unpublishes it
(never deletes it: messages do not record the page they came through, and its revisions
keep what citizens were asked). Which organisations' sites may embed the region's widget is
`website_domains` in `organisations.json`; the widget opens the first page with
`offer_in_widget`.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from wagtail.contrib.forms.models import FORM_FIELD_CHOICES
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import Category, Region
from cms.portal.models import PortalHomePage, SubmissionPage, SubmissionPageField
from cms.submission.uploads import FILE_TYPES

from .files import ChangeReport, RegionConfigFile, Stray, ValidationContext
from .schema import check_list, check_object, check_string_list, check_unique

FILENAME = "portal.json"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,254}$")
# A host name or an IPv4 address; `*.localhost` names resolve to loopback in browsers.
HOST_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
                     r"(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
FIELD_TYPES = tuple(code for code, _label in FORM_FIELD_CHOICES)

SITE_SPEC = {
    "hostname": ((str,), True),
    "port": ((int,), True),
    "site_name": ((str,), False),
    "is_default_site": ((bool,), False),
}
HOME_SPEC = {"title": ((str,), True), "slug": ((str,), True), "intro": ((str,), False)}
PAGE_SPEC = {
    "slug": ((str,), True),
    "title": ((str,), True),
    "intro": ((str,), False),
    "categories": ((list,), False),
    "consent_text": ((str,), True),
    "max_files": ((int,), False),
    "file_types": ((list,), False),
    "max_file_size_mb": ((int,), False),
    "offer_in_widget": ((bool,), False),
    "questions": ((list,), False),
}
QUESTION_SPEC = {
    "label": ((str,), True),
    "field_type": ((str,), True),
    "required": ((bool,), False),
    "choices": ((str,), False),
    "default_value": ((str,), False),
    "help_text": ((str,), False),
}
TOP_SPEC = {
    "site": ((dict,), True),
    "home": ((dict,), True),
    "submission_pages": ((list,), True),
}
PAGE_DEFAULTS = {"intro": "", "categories": [], "max_files": 5, "file_types": [],
                 "max_file_size_mb": 10, "offer_in_widget": False, "questions": []}
QUESTION_DEFAULTS = {"required": True, "choices": "", "default_value": "", "help_text": ""}


class PortalFile(RegionConfigFile):
    filename = FILENAME
    order = 40

    # --- validation ------------------------------------------------------------------

    def validate(self, data, ctx: ValidationContext) -> None:
        file = self.filename
        if not check_object(ctx, file, "(top level)", data, TOP_SPEC):
            return
        region_code = (ctx.documents.get("region.json") or {}).get("code")
        self._validate_site(data["site"], region_code, ctx)
        if check_object(ctx, file, "home", data["home"], HOME_SPEC):
            self._validate_slug(data["home"]["slug"], "home.slug", ctx)
            self._validate_home_slug(data["home"]["slug"], region_code, ctx)
        if not check_list(ctx, file, data["submission_pages"]):
            return
        slugs: set[str] = set()
        for index, item in enumerate(data["submission_pages"]):
            key = f"submission_pages[{index}]"
            if not check_object(ctx, file, key, item, PAGE_SPEC):
                continue
            key = f"{key} ({item['slug']})"
            self._validate_slug(item["slug"], f"{key}.slug", ctx)
            check_unique(ctx, file, f"{key}.slug", slugs, item["slug"], "slug")
            self._validate_page(item, key, ctx)

    def _validate_site(self, site, region_code, ctx) -> None:
        file = self.filename
        if not check_object(ctx, file, "site", site, SITE_SPEC):
            return
        if not HOST_RE.match(site["hostname"]):
            ctx.problem(file, "site.hostname", f"{site['hostname']!r} is not a host name")
        if not 1 <= site["port"] <= 65535:
            ctx.problem(file, "site.port", "must be from 1 to 65535")
        taken = (Site.objects.filter(hostname=site["hostname"], port=site["port"])
                 .exclude(region__isnull=True).exclude(region__code=region_code)
                 .select_related("region").first())
        if taken is not None:
            ctx.problem(file, "site", f"{site['hostname']}:{site['port']} is the address of "
                                      f"region {taken.region.code!r}")
        if site.get("is_default_site"):
            default = (Site.objects.filter(is_default_site=True)
                       .exclude(region__isnull=True).exclude(region__code=region_code)
                       .select_related("region").first())
            if default is not None:
                ctx.problem(file, "site.is_default_site",
                            f"region {default.region.code!r} has the default site")

    def _validate_slug(self, slug, key, ctx) -> None:
        if not SLUG_RE.match(slug):
            ctx.problem(self.filename, key,
                        f"{slug!r} is not a valid slug (lowercase latin, digits, dashes)")

    def _validate_home_slug(self, slug, region_code, ctx) -> None:
        # Homes are siblings under Wagtail's root, where slugs are unique.
        for home in PortalHomePage.objects.filter(depth=2, slug=slug):
            owner = Region.objects.filter(site__root_page=home).first()
            if owner is not None and owner.code != region_code:
                ctx.problem(self.filename, "home.slug",
                            f"{slug!r} is the slug of region {owner.code!r}'s portal home")

    def _validate_page(self, item, key, ctx) -> None:
        file = self.filename
        for index, code in enumerate(check_string_list(ctx, file, f"{key}.categories",
                                                       item.get("categories", []))):
            if code not in ctx.codes("category"):
                ctx.problem(file, f"{key}.categories[{index}]", f"unknown category {code!r}")
        for index, code in enumerate(check_string_list(ctx, file, f"{key}.file_types",
                                                       item.get("file_types", []))):
            if code not in FILE_TYPES:
                ctx.problem(file, f"{key}.file_types[{index}]", f"unknown file type {code!r} "
                            f"(expected one of: {', '.join(FILE_TYPES)})")
        if not 0 <= item.get("max_files", 5) <= 20:
            ctx.problem(file, f"{key}.max_files", "must be from 0 to 20")
        if not 1 <= item.get("max_file_size_mb", 10) <= 50:
            ctx.problem(file, f"{key}.max_file_size_mb", "must be from 1 to 50")
        if not item["consent_text"].strip():
            ctx.problem(file, f"{key}.consent_text", "must not be empty")
        if not item["title"].strip():
            ctx.problem(file, f"{key}.title", "must not be empty")
        for index, question in enumerate(item.get("questions", [])):
            q_key = f"{key}.questions[{index}]"
            if not check_object(ctx, file, q_key, question, QUESTION_SPEC):
                continue
            if question["field_type"] not in FIELD_TYPES:
                ctx.problem(file, f"{q_key}.field_type",
                            f"unknown field type {question['field_type']!r} "
                            f"(expected one of: {', '.join(FIELD_TYPES)})")
            if not question["label"].strip():
                ctx.problem(file, f"{q_key}.label", "must not be empty")

    # --- loading ---------------------------------------------------------------------

    def load(self, region: Region, data, report: ChangeReport) -> None:
        home = self._load_home(region, data["home"], report)
        self._load_site(region, home, data["site"], report)
        categories = {category.code: category for category in Category.objects.all()}
        for item in data["submission_pages"]:
            self._load_page(home, item, categories, report)
        _grant_region_editing(region)

    def _load_home(self, region, item, report) -> PortalHomePage:
        home = home_of(region)
        if home is None:
            home = PortalHomePage.objects.child_of(tree_root()).filter(
                slug=item["slug"], sites_rooted_here__isnull=True).first()
        wanted = {"title": item["title"], "slug": item["slug"], "intro": item.get("intro", "")}
        if home is None:
            home = tree_root().add_child(instance=PortalHomePage(**wanted))
            home.save_revision().publish()
            report.record("portal home", item["slug"], "created")
            return home
        changed = [name for name, value in wanted.items() if getattr(home, name) != value]
        if not home.live:
            changed.append("live")
        if changed:
            for name, value in wanted.items():
                setattr(home, name, value)
            home.save_revision().publish()
            report.record("portal home", item["slug"], "updated", ", ".join(changed))
        else:
            report.record("portal home", item["slug"], "unchanged")
        return home

    def _load_site(self, region, home, item, report) -> None:
        wanted = {
            "hostname": item["hostname"],
            "port": item["port"],
            "site_name": item.get("site_name", ""),
            "is_default_site": item.get("is_default_site", False),
            "root_page_id": home.pk,
        }
        key = f"{item['hostname']}:{item['port']}"
        site = region.site
        if site is None:
            site = Site.objects.filter(hostname=item["hostname"], port=item["port"],
                                       region__isnull=True).first()
        if site is None and wanted["is_default_site"]:
            # Wagtail's own default site (localhost:80) becomes the region's.
            site = Site.objects.filter(is_default_site=True, region__isnull=True).first()
        if wanted["is_default_site"]:
            Site.objects.filter(is_default_site=True).exclude(
                pk=site.pk if site else None).update(is_default_site=False)
        if site is None:
            site = Site.objects.create(**wanted)
            report.record("site", key, "created")
        else:
            changed = [name for name, value in wanted.items() if getattr(site, name) != value]
            for name in changed:
                setattr(site, name, wanted[name])
            if changed:
                site.save()
                report.record("site", key, "updated",
                              ", ".join(name.removesuffix("_id") for name in changed))
            else:
                report.record("site", key, "unchanged")
        if region.site_id != site.pk:
            region.site = site
            region.save(update_fields=["site"])
            report.record("region", region.code, "updated", "site")

    def _load_page(self, home, item, categories, report) -> None:
        wanted = page_entry_defaults(item)
        page = SubmissionPage.objects.child_of(home).filter(slug=item["slug"]).first()
        if page is None:
            page = SubmissionPage(**_page_fields(wanted))
            page.categories = [categories[code] for code in wanted["categories"]]
            page.extra_fields = [SubmissionPageField(**question)
                                 for question in wanted["questions"]]
            home.add_child(instance=page)
            page.save_revision().publish()
            report.record("submission page", item["slug"], "created")
            return
        page = page.specific
        current = page_entry(page)
        changed = [name for name in PAGE_SPEC
                   if name in wanted and current[name] != wanted[name]]
        if not page.live:
            changed.append("live")
        if not changed:
            report.record("submission page", item["slug"], "unchanged")
            return
        for name, value in _page_fields(wanted).items():
            setattr(page, name, value)
        page.categories = [categories[code] for code in wanted["categories"]]
        if current["questions"] != wanted["questions"]:
            page.extra_fields = [SubmissionPageField(**question)
                                 for question in wanted["questions"]]
        page.save_revision().publish()
        report.record("submission page", item["slug"], "updated", ", ".join(changed))

    # --- export and strays -----------------------------------------------------------

    def export(self, region):
        home = home_of(region)
        if home is None:
            return None
        site = region.site
        return {
            "site": {
                "hostname": site.hostname,
                "port": site.port,
                "site_name": site.site_name,
                "is_default_site": site.is_default_site,
            },
            "home": {"title": home.title, "slug": home.slug, "intro": home.intro},
            "submission_pages": [page_entry(page) for page in submission_pages(home)],
        }

    def strays(self, region, data):
        home = home_of(region)
        if home is None:
            return []
        named = {item["slug"] for item in data["submission_pages"]}
        return [
            Stray("submission page", page.slug, remove=page.unpublish)
            for page in submission_pages(home) if page.slug not in named
        ]


def tree_root() -> Page:
    """Wagtail's root page; made again if the database was emptied (a flushed test
    database)."""
    root = Page.get_first_root_node()
    if root is None:
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        locale, _created = Locale.objects.get_or_create(language_code=language)
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def home_of(region: Region) -> PortalHomePage | None:
    """The region's portal home: its site's root page, when that is a portal home."""
    if region.site_id is None:
        return None
    site = Site.objects.select_related("root_page").get(pk=region.site_id)
    root = site.root_page.specific
    return root if isinstance(root, PortalHomePage) else None


def submission_pages(home: PortalHomePage):
    """The live submission pages under `home`, in the tree's order."""
    return SubmissionPage.objects.child_of(home).live().order_by("path").prefetch_related(
        "categories", "extra_fields")


def page_entry(page: SubmissionPage) -> dict[str, Any]:
    """A submission page as `portal.json` writes it, every key present."""
    return {
        "slug": page.slug,
        "title": page.title,
        "intro": page.intro,
        "categories": sorted(category.code for category in page.categories.all()),
        "consent_text": page.consent_text,
        "max_files": page.max_files,
        "file_types": list(page.file_types),
        "max_file_size_mb": page.max_file_size_mb,
        "offer_in_widget": page.offer_in_widget,
        "questions": [
            {
                "label": field.label,
                "field_type": field.field_type,
                "required": field.required,
                "choices": field.choices,
                "default_value": field.default_value,
                "help_text": field.help_text,
            }
            for field in page.extra_fields.all()
        ],
    }


def page_entry_defaults(item: dict[str, Any]) -> dict[str, Any]:
    """A file's page entry with the optional keys filled in, categories sorted."""
    entry = {**PAGE_DEFAULTS, **item}
    entry["categories"] = sorted(entry["categories"])
    entry["questions"] = [{"label": q["label"], "field_type": q["field_type"],
                           **{name: q.get(name, default)
                              for name, default in QUESTION_DEFAULTS.items()}}
                          for q in entry["questions"]]
    return entry


def _page_fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {name: entry[name] for name in ("slug", "title", "intro", "consent_text",
                                           "max_files", "file_types", "max_file_size_mb",
                                           "offer_in_widget")}


def _grant_region_editing(region: Region) -> None:
    """The region's editors get Wagtail permissions on the portal just made (the isolation
    work's `grant_region_editing`; absent in an installation without it)."""
    try:
        from cms.permissions.pages import grant_region_editing
    except ImportError:
        return
    grant_region_editing(region)
