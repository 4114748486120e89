"""The shipped national classifier: complete, consistent, and validated on load."""

import json
import re

import pytest
from django.conf import settings

from cms.models import Category, Subcategory
from cms.regionconfig.classifier import MAX_TOTAL_DAYS, validate_classifier
from cms.regionconfig.files import ValidationContext

SHIPPED = json.loads((settings.POS_CONFIG_DIR / "classifier.json").read_text(encoding="utf-8"))


def test_the_shipped_file_has_31_categories_and_314_subcategories():
    subcategories = [sub for cat in SHIPPED["categories"] for sub in cat["subcategories"]]
    assert len(SHIPPED["categories"]) == 31
    assert len(subcategories) == 314
    assert "not the official" in SHIPPED["note"].lower().replace("NOT", "not")


def test_the_database_holds_the_whole_classifier(demo):
    assert Category.objects.count() == 31
    assert Subcategory.objects.count() == 314
    assert Category.objects.filter(subcategories__isnull=True).count() == 0


def test_codes_are_unique_and_well_formed():
    codes = [cat["code"] for cat in SHIPPED["categories"]]
    sub_codes = [sub["code"] for cat in SHIPPED["categories"] for sub in cat["subcategories"]]
    assert len(set(codes)) == len(codes)
    assert len(set(sub_codes)) == len(sub_codes)
    for cat in SHIPPED["categories"]:
        for sub in cat["subcategories"]:
            assert re.fullmatch(rf"{cat['code']}\.\d\d", sub["code"])


def test_every_subcategory_has_its_terms_within_the_law():
    for cat in SHIPPED["categories"]:
        for sub in cat["subcategories"]:
            terms = (sub["moderation_days"], sub["work_days"], sub["approval_days"])
            assert all(isinstance(term, int) and term >= 1 for term in terms), sub["code"]
            assert sum(terms) <= MAX_TOTAL_DAYS, sub["code"]
            assert isinstance(sub["photo_required"], bool)
            assert sub["name"] and sub["name_en"]


def validate(document):
    ctx = ValidationContext(documents={})
    validate_classifier(document, ctx)
    return [str(problem) for problem in ctx.problems]


def category(code="01", subs=None):
    return {"code": code, "name": "Дороги", "name_en": "Roads",
            "subcategories": subs if subs is not None else [subcategory(f"{code}.01")]}


def subcategory(code, **terms):
    base = {"code": code, "name": "Ямы", "name_en": "Potholes", "moderation_days": 1,
            "work_days": 9, "approval_days": 1, "photo_required": True}
    return {**base, **terms}


@pytest.mark.parametrize(("document", "expected"), [
    ({"categories": [category(), category()]}, "duplicate code '01'"),
    ({"categories": [category(subs=[subcategory("01.01"), subcategory("01.01")])]},
     "duplicate code '01.01'"),
    ({"categories": [category(subs=[])]}, "a category needs subcategories"),
    ({"categories": [category(subs=[subcategory("02.01")])]},
     "does not belong to category '01'"),
    ({"categories": [category(subs=[subcategory("01.01", work_days=40)])]},
     "more than 30"),
    ({"categories": [category(subs=[subcategory("01.01", work_days=0)])]},
     "must be at least 1"),
    ({"categories": [category(subs=[subcategory("01.01", photo_required="yes")])]},
     "photo_required: must be true or false"),
    ({"categories": [category(subs=[subcategory("01.01", work_days=True)])]},
     "work_days: must be a whole number"),
    ({"categories": [category(code="1")]}, "a category code is two digits"),
    ({"categories": [{**category(), "icon": "road"}]}, "icon: unknown key"),
    ({"categories": [category(subs=[{"code": "01.01", "name": "Ямы"}])]},
     "moderation_days: missing"),
])
def test_classifier_problems_are_named(document, expected):
    problems = validate(document)
    assert any(expected in problem for problem in problems), problems


def test_the_shipped_file_validates():
    assert validate(SHIPPED) == []
