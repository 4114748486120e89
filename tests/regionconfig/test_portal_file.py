"""portal.json: pages are loaded as Wagtail pages with revisions, idempotently, and a
region cannot take another region's address or home."""

from __future__ import annotations

import pytest

from cms.portal.models import SubmissionPage
from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import load_region_folder

from .conftest import edit


def page(region, slug) -> SubmissionPage:
    return SubmissionPage.objects.child_of(region.site.root_page).get(slug=slug)


def test_a_changed_page_is_published_as_a_new_revision(ural, ural_folder):
    before = page(ural, "zhkh").revisions.count()

    def retitle(data):
        data["submission_pages"][1]["title"] = "ЖКХ"
        data["submission_pages"][1]["questions"][0]["required"] = True

    edit(ural_folder, "portal.json", retitle)
    result = load_region_folder(ural_folder)
    assert result.report.lines == ["updated submission page zhkh (title, questions)"]
    zhkh = page(ural, "zhkh")
    assert zhkh.title == "ЖКХ" and zhkh.live
    assert zhkh.revisions.count() == before + 1
    assert zhkh.extra_fields.get().required
    assert not load_region_folder(ural_folder).report.changed


def test_a_new_page_in_the_file_is_created_under_the_regions_home(ural, ural_folder):
    def add_page(data):
        data["submission_pages"].append({"slug": "roads", "title": "Дороги",
                                         "consent_text": "<p>Согласие.</p>",
                                         "categories": ["01"]})

    edit(ural_folder, "portal.json", add_page)
    lines = load_region_folder(ural_folder).report.lines
    assert lines == ["created submission page roads"]
    roads = page(ural, "roads")
    assert list(roads.categories.values_list("code", flat=True)) == ["01"]
    assert roads.get_site().pk == ural.site_id


def test_a_copy_of_another_regions_portal_is_refused(ural, ural_folder):
    edit(ural_folder, "region.json", lambda data: data.update(code="copy"))
    with pytest.raises(RegionConfigError) as caught:
        load_region_folder(ural_folder)
    problems = [str(problem) for problem in caught.value.problems]
    assert "portal.json: site: ural.localhost:8000 is the address of region 'ural'" in problems
    assert "portal.json: home.slug: 'ural' is the slug of region 'ural''s portal home" in (
        problems)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["site"].update(hostname="not a host"), "site.hostname: 'not a host' is not"),
    (lambda d: d["site"].update(port=0), "site.port: must be from 1 to 65535"),
    (lambda d: d["submission_pages"][0].update(categories=["99"]), "unknown category '99'"),
    (lambda d: d["submission_pages"][0].update(file_types=["exe"]), "unknown file type 'exe'"),
    (lambda d: d["submission_pages"][1]["questions"][0].update(field_type="map"),
     "unknown field type 'map'"),
    (lambda d: d["submission_pages"].append(dict(d["submission_pages"][0])),
     "duplicate slug 'general'"),
    (lambda d: d["home"].update(colour="red"), "home.colour: unknown key"),
])
def test_problems_in_the_portal_file(ural, ural_folder, change, expected):
    edit(ural_folder, "portal.json", change)
    with pytest.raises(RegionConfigError) as caught:
        load_region_folder(ural_folder)
    problems = [str(problem) for problem in caught.value.problems]
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith("portal.json") for problem in problems), problems
