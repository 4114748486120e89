"""--dry-run lists per file what would change and what only the database has; --prune
removes what is safe to remove and says what it kept and why."""

from __future__ import annotations

import json
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.models import Appeal, Organisation, RejectionReason, Role, StaffMembership
from cms.permissions.groups import ROLE_GROUP_NAMES
from cms.portal.models import SubmissionPage
from plugins.fasttrack.models import CalendarAmendment, FastTrack
from plugins.routing.models import RoutingRule
from tests import factories

from .conftest import edit


def drop(filename_key, value):
    def change(items):
        return [item for item in items if item.get(filename_key) != value]
    return change


def run(folder, *flags) -> str:
    out = StringIO()
    call_command("load_region", str(folder), *flags, stdout=out)
    return out.getvalue()


def test_dry_run_lists_per_file_and_what_only_the_database_has(ural, ural_folder):
    home = ural.site.root_page
    home.add_child(instance=SubmissionPage(title="Черновик", slug="draft",
                                           consent_text="<p>Согласие.</p>"))
    edit(ural_folder, "portal.json",
         lambda d: d["submission_pages"][0].update(title="Сообщение"))
    out = run(ural_folder, "--dry-run")
    portal = out.split("portal.json:\n", 1)[1].split("\n", 4)
    assert "  would be updated submission page general (title)" in portal
    assert "  left alone: 1 portal home" in out.split("portal.json:\n", 1)[1]
    assert "  only in the database: submission page draft" in out
    assert "territories.json:\n  left alone: 6 territory" in out
    assert "Dry run: nothing was written." in out
    assert SubmissionPage.objects.get(slug="general", pk__in=SubmissionPage.objects
                                      .child_of(home)).title == "Сообщение о проблеме"


def test_prune_removes_what_is_safe_and_keeps_the_rest(ural, ural_folder):
    home = ural.site.root_page
    home.add_child(instance=SubmissionPage(title="Старая", slug="old",
                                           consent_text="<p>Согласие.</p>"))
    # adm-ozersky-mr has a message; ural-minzhkh has none.
    factories.appeal(region=ural, territory_code="sosnovskoe-sp",
                     organisation_code="adm-ozersky-mr")
    for code in ("adm-ozersky-mr", "ural-minzhkh"):
        edit(ural_folder, "organisations.json", drop("code", code))
        edit(ural_folder, "staff.json", lambda staff, code=code: [
            person for person in staff
            if not any(role["organisation"] == code for role in person["roles"])])
        edit(ural_folder, "routing.json", lambda data, code=code: data.update(
            rules=[rule for rule in data["rules"] if rule["organisation"] != code]))
    edit(ural_folder, "rejection_reasons.json", lambda items: items[:-1])

    out = run(ural_folder, "--prune")

    assert "portal.json: removed: submission page old" in out
    old = SubmissionPage.objects.get(slug="old")
    assert not old.live, "a page is unpublished, never deleted"
    assert "organisations.json: kept (it has messages): organisation adm-ozersky-mr" in out
    assert Organisation.objects.filter(region=ural, code="adm-ozersky-mr").exists()
    assert "organisations.json: removed: organisation ural-minzhkh" in out
    assert not Organisation.objects.filter(region=ural, code="ural-minzhkh").exists()
    assert not RoutingRule.objects.filter(region=ural, code="housing").exists()
    assert not StaffMembership.objects.filter(organisation__region=ural,
                                              user__username__contains="minzhkh").exists()
    assert not RejectionReason.objects.filter(region=ural, code="").exists()
    assert Appeal.objects.filter(region=ural).count() == 1
    # Pruned: the next load has nothing left to remove and changes nothing.
    again = run(ural_folder, "--prune")
    assert "Already up to date: nothing changed." in again
    assert "kept (it has messages): organisation adm-ozersky-mr" in again


def test_a_pruned_role_takes_the_roles_group_too(ural, ural_folder):
    """The account stays; its role goes, group and all: a role's group with no
    membership behind it would still be offered and told as that role."""
    staff = json.loads((ural_folder / "staff.json").read_text(encoding="utf-8"))
    person = next(p for p in staff if len(p["roles"]) == 1)
    role = person["roles"][0]["role"]
    user = get_user_model().objects.get(username=person["username"])
    assert user.groups.filter(name=ROLE_GROUP_NAMES[Role(role)]).exists()
    edit(ural_folder, "staff.json", lambda items: [
        p for p in items if p["username"] != person["username"]])

    run(ural_folder, "--prune")

    user.refresh_from_db()
    assert user.is_active, "the account stays"
    assert not StaffMembership.objects.filter(user=user).exists()
    assert not user.groups.filter(name=ROLE_GROUP_NAMES[Role(role)]).exists()


def test_without_prune_nothing_is_removed(ural, ural_folder):
    edit(ural_folder, "organisations.json", drop("code", "ural-minzhkh"))
    edit(ural_folder, "staff.json", lambda staff: [
        person for person in staff
        if not any(role["organisation"] == "ural-minzhkh" for role in person["roles"])])
    edit(ural_folder, "routing.json", lambda data: data.update(
        rules=[rule for rule in data["rules"] if rule["organisation"] != "ural-minzhkh"]))
    out = run(ural_folder)
    assert "organisations.json: only in the database: organisation ural-minzhkh" in out
    assert "routing.json: only in the database: routing rule housing" in out
    assert Organisation.objects.filter(region=ural, code="ural-minzhkh").exists()
    assert RoutingRule.objects.filter(region=ural, code="housing").exists()


def test_fast_tracks_and_calendar_days_the_file_drops_are_pruned(ural, ural_folder):
    def drop_all(data):
        data.update(fast_tracks=[], calendar=[])

    edit(ural_folder, "fasttracks.json", drop_all)
    listed = run(ural_folder, "--dry-run")
    assert "  only in the database: fast track 06.05" in listed
    assert "  only in the database: calendar amendment 2026-11-17" in listed
    out = run(ural_folder, "--prune")
    assert "fasttracks.json: removed: fast track 06.05" in out
    assert "fasttracks.json: removed: calendar amendment 2026-11-17" in out
    assert not FastTrack.objects.filter(region=ural).exists()
    assert not CalendarAmendment.objects.filter(region=ural).exists()
