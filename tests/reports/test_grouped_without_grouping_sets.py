"""The demo's SQLite has no GROUPING SETS and no `= ANY(list)`: the volume and deadline
reports answered 500 there. `grouped` runs one GROUP BY per set on it instead; the
parameters of PostgreSQL's `= ANY(%s)` become an IN list."""

from plugins.reports.sqlite_grouped import in_lists as _in_lists


def test_a_list_parameter_of_any_becomes_an_in_list():
    sql, params = _in_lists(
        "count(*) FILTER (WHERE r.status = ANY(%s) AND r.deadline < %s)",
        [["in_work", "postponed"], "2026-12-01"])
    assert sql == "count(*) FILTER (WHERE r.status IN (%s, %s) AND r.deadline < %s)"
    assert params == ["in_work", "postponed", "2026-12-01"]


def test_other_parameters_stay_as_they_are():
    assert _in_lists("a = %s AND b = %s", [1, 2]) == ("a = %s AND b = %s", [1, 2])
