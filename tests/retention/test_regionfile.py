"""retention.json: the period from a region's folder, with the model's limits; the export
writes it only for a region with its own period."""

from __future__ import annotations

import pytest

from cms.regionconfig.files import ChangeReport, ValidationContext
from cms.retention.models import RetentionSettings
from cms.retention.regionfile import RetentionFile

pytestmark = pytest.mark.django_db


def problems(data) -> list[str]:
    ctx = ValidationContext(documents={"retention.json": data})
    RetentionFile().validate(data, ctx)
    return [problem.reason for problem in ctx.problems]


def test_the_file_sets_the_period_and_exports_it_again(demo):
    assert RetentionFile().export(demo) is None  # the default: no file
    data = {"personal_data_retention_days": 3650}
    assert problems(data) == []
    RetentionFile().load(demo, data, ChangeReport())
    assert RetentionSettings.for_region(demo).personal_data_retention_days == 3650
    assert RetentionFile().export(demo) == data


@pytest.mark.parametrize(("data", "reason"), [
    ({"personal_data_retention_days": 30}, "must be from 365 to 27375"),
    ({"personal_data_retention_days": 100000}, "must be from 365 to 27375"),
])
def test_out_of_limits_is_refused(data, reason):
    assert problems(data) == [reason]


def test_a_missing_or_mistyped_field_is_refused():
    assert problems({}) and problems({"personal_data_retention_days": "5 лет"})
