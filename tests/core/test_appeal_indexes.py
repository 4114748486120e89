"""The message table's indexes: each a registration writes must serve a read."""

from __future__ import annotations

import pytest
from django.db import connection

LEADING_COMPOSITE = ("citizen_id", "executor_id")


def appeal_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "cms_appeal")
    return {name: info["columns"] for name, info in found.items()
            if info["index"] and not info["primary_key"]}


@pytest.mark.django_db
@pytest.mark.parametrize("column", LEADING_COMPOSITE)
def test_a_foreign_key_led_by_a_composite_index_has_no_index_of_its_own(column):
    indexes = appeal_indexes()
    assert [name for name, columns in indexes.items() if columns == [column]] == []
    # Its look-ups (a user's deletion check among them) use the composite.
    assert [name for name, columns in indexes.items()
            if columns[:1] == [column] and len(columns) > 1]


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["region_id", "organisation_id"])
def test_the_region_and_the_addressee_keep_their_narrow_index(column):
    # A region's or an organisation's count of all its messages is read off it.
    assert [columns for columns in appeal_indexes().values() if columns == [column]]


@pytest.mark.django_db
def test_the_widget_organisation_is_indexed_only_where_there_is_one():
    indexes = appeal_indexes()
    assert [name for name, columns in indexes.items()
            if columns == ["widget_organisation_id"]] == ["appeal_widget_organisation"]
