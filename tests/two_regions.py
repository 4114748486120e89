"""Two regions for isolation tests: the demo region (A) and a second one (B) loaded from a
copy of the demo's files under another code, so B has every kind of row A has
(territories, organisations, routing rules, fast tracks, rejection reasons...), with its
own staff (the demo's accounts stay the demo's) and its own portal.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from wagtail.models import Page, Site

from cms.models import Organisation, Region, Role
from cms.permissions.grants import grant_role
from cms.portal.demo import tree_root
from cms.portal.models import PortalHomePage, SubmissionPage
from tests import factories

SECOND_CODE = "second"
# Files of the demo folder that name global things (accounts, the portal's address): the
# second region gets its own instead.
NOT_COPIED = ("staff.json", "portal.json", "pages.json", "widgets.json")
# The organisation each role is held at, as in the demo's staff.
ROLE_ORGANISATIONS = {
    Role.EDITOR: "admin-gov", Role.MODERATOR: "cur", Role.CURATOR: "admin-gov",
    Role.COORDINATOR: "adm-gorsk", Role.EXECUTOR: "adm-gorsk", Role.HEAD: "adm-gorsk",
}


def second_region(code: str = SECOND_CODE) -> Region:
    """Region B: the demo's files under `code`, in Yekaterinburg's time zone (loaded once
    per test database; a second call returns it)."""
    found = Region.objects.filter(code=code).first()
    if found is not None:
        return found
    from cms.regionconfig.loader import load_region_folder

    source = settings.POS_CONFIG_DIR / "demo"
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / code
        shutil.copytree(source, target,
                        ignore=shutil.ignore_patterns(*NOT_COPIED))
        region_file = target / "region.json"
        data = json.loads(region_file.read_text(encoding="utf-8"))
        for key in ("site", "portal", "hostname"):
            data.pop(key, None)
        data.update(code=code, name="Вторая область", name_en="Second Oblast",
                    time_zone="Asia/Yekaterinburg")
        region_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = load_region_folder(target)
    assert result.region is not None, result.report
    return result.region


def remove_region(code: str = SECOND_CODE) -> None:
    """Remove a test region and what was loaded for it (rows its organisations and
    territories protect go first), so the rest of a test run sees the demo alone."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return
    Region.objects.filter(pk=region.pk).update(default_moderating_organisation=None,
                                               site=None)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                region.delete()
            return
        except ProtectedError as refused:
            for row in refused.protected_objects:
                if isinstance(row, Region):
                    continue
                try:
                    with transaction.atomic():
                        row.delete()
                except ProtectedError:
                    pass  # protected by another row of the list: the next round
    raise AssertionError(f"region {code} could not be removed")


def staff(region: Region, role: Role, username: str | None = None):
    """A staff member holding `role` in `region` (at the organisation the demo's holder
    of the role has), created when missing."""
    username = username or f"{region.code}-{role}"
    user = get_user_model().objects.filter(username=username).first()
    user = user or factories.user(username, email=f"{username}@example.org")
    organisation = Organisation.objects.get(region=region, code=ROLE_ORGANISATIONS[role])
    grant_role(user, organisation, role)
    return get_user_model().objects.get(pk=user.pk)


@dataclass(frozen=True)
class Portal:
    home: PortalHomePage
    general: SubmissionPage


def portal(region: Region, hostname: str) -> Portal:
    """The region's portal: its site (at `hostname`) with a home and a general submission
    page, made when missing; the region's editing group follows the site (signals)."""
    home = None
    if region.site_id and region.site.root_page_id:
        home = PortalHomePage.objects.filter(pk=region.site.root_page_id).first()
    if home is None:
        home = tree_root().add_child(instance=PortalHomePage(
            title=f"Портал: {region.name}", slug=f"portal-{region.code}"))
    site = region.site
    if site is None:
        site = Site.objects.filter(hostname=hostname, port=80).first() or Site(
            hostname=hostname, port=80, root_page=home,
            is_default_site=not Site.objects.filter(is_default_site=True).exists())
    if site.root_page_id != home.pk:
        site.root_page = home
    site.save()
    if region.site_id != site.pk:
        region.site = site
        region.save(update_fields=["site"])
    general = SubmissionPage.objects.child_of(home).filter(slug="general").first()
    if general is None:
        general = home.add_child(instance=SubmissionPage(
            title=f"Сообщение о проблеме ({region.code})", slug="general",
            consent_text="<p>Согласие на обработку персональных данных.</p>"))
    return Portal(home=PortalHomePage.objects.get(pk=home.pk),
                  general=SubmissionPage.objects.get(pk=general.pk))


def page_ids_under(page: Page) -> set[int]:
    return set(Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
