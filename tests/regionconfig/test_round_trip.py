"""Issue 14's round trip: export_region → a fresh database → load_region → export_region
gives the same bytes, for both demo regions, their portals included."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import Region
from cms.portal.models import SubmissionPage
from cms.retention.models import RetentionSettings

CONFIG = settings.POS_CONFIG_DIR
REGIONS = ("demo", "ural")


def export_all(target: Path) -> dict[str, bytes]:
    for code in REGIONS:
        call_command("export_region", code, str(target / code), stdout=None)
    return {str(path.relative_to(target)): path.read_bytes()
            for path in sorted(target.rglob("*.json"))}


def load_all(source: Path) -> None:
    for code in REGIONS:
        call_command("load_region", str(source / code), "--classifier",
                     str(CONFIG / "classifier.json"))


def fresh_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert not Region.objects.exists() and not Site.objects.exists()
    assert not Page.objects.exists()


def test_export_fresh_database_load_export_is_byte_identical(transactional_db, tmp_path):
    fresh_database()  # nothing left behind by earlier tests (or a reused database)
    load_all(CONFIG)
    first = export_all(tmp_path / "first")
    # The shipped folders are what the export writes: every file, byte for byte.
    shipped = {str(path.relative_to(CONFIG)): path.read_bytes()
               for code in REGIONS for path in sorted((CONFIG / code).glob("*.json"))}
    assert first == shipped
    assert "ural/portal.json" in first and "demo/rejection_reasons.json" in first
    # Ural keeps contact data three years, from its retention.json; the demo region has no
    # row of its own (the default), so no file is written for it.
    assert "ural/retention.json" in first and "demo/retention.json" not in first
    assert RetentionSettings.objects.get(region__code="ural").personal_data_retention_days == 1096

    fresh_database()
    load_all(tmp_path / "first")
    second = export_all(tmp_path / "second")
    assert second.keys() == first.keys()
    for name in first:
        assert second[name] == first[name], f"{name} differs after the round trip"
    # The pages really came back as pages with a revision each.
    for page in SubmissionPage.objects.all():
        assert page.live and page.latest_revision_id is not None, page.slug
