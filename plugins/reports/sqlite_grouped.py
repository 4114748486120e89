"""`facts.grouped` where there is no `GROUPING SETS` (SQLite, the demo's database).

The reports write their aggregates in PostgreSQL's SQL. Here each set is one `GROUP BY`
query of its own (a column read straight from a table keeps its type there, a date
comes back a date), and the few PostgreSQL forms the reports use are rewritten into
SQLite's, with functions made in Python where SQLite has none:

- `x = ANY(%s)` of a list: `x IN (%s, …)` with its items (`in_lists`);
- `percentile_cont(f) WITHIN GROUP (ORDER BY x)`: the aggregate `Percentile`, which
  computes PostgreSQL's figure (`cube.percentile`);
- `date_trunc('week' | 'month', day)::date`: `pos_date_trunc`, a date again.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import connection

PERCENTILE = re.compile(r"percentile_cont\(([^)]*)\) WITHIN GROUP \(ORDER BY ([^)]*)\)")
DATE_TRUNC = re.compile(r"^date_trunc\(('\w+'), (.*)\)::date$")


class Percentile:
    """`pos_percentile_cont(fraction, value)`: PostgreSQL's `percentile_cont(fraction)
    WITHIN GROUP (ORDER BY value)`, by `cube.percentile` (its floating-point steps)."""

    name = "pos_percentile_cont"

    def __init__(self):
        self.fraction: float | None = None
        self.histogram: dict = {}

    def step(self, fraction: float, value) -> None:
        self.fraction = fraction
        if value is not None:
            self.histogram[value] = self.histogram.get(value, 0) + 1

    def finalize(self) -> float | None:
        from .cube import percentile

        return None if self.fraction is None else percentile(self.histogram,
                                                             self.fraction)


def date_trunc(unit: str, day: str | None) -> str | None:
    """`pos_date_trunc(unit, day)`: the first day of the week (Monday) or month of a
    day (ISO text, as SQLite holds dates)."""
    if day is None:
        return None
    found = date.fromisoformat(day[:10])
    if unit == "week":
        found -= timedelta(days=found.weekday())
    elif unit == "month":
        found = found.replace(day=1)
    return found.isoformat()


def grouped_one_set_at_a_time(inner_sql: str, inner_params, columns: dict[str, str],
                              sets: list[tuple[str, ...]], aggregates: dict[str, str],
                              extra_params: tuple) -> list[dict]:
    """The rows `facts.grouped` returns, from one query per set."""
    connection.ensure_connection()
    raw = connection.connection
    raw.create_aggregate(Percentile.name, 2, Percentile)
    raw.create_function("pos_date_trunc", 2, date_trunc, deterministic=True)
    columns, dates = dict(columns), set()
    for name, sql in columns.items():
        if match := DATE_TRUNC.match(sql):
            columns[name] = f"pos_date_trunc({match[1]}, {match[2]})"
            dates.add(name)
    percentile = Percentile.name + r"(\1, \2)"
    computed = ", ".join(f"{PERCENTILE.sub(percentile, sql)} AS {name}"
                         for name, sql in aggregates.items())
    computed, extra = in_lists(computed, list(extra_params))
    select = ", ".join(f"{sql} AS g_{name}" for name, sql in columns.items())
    source = f"(SELECT r.*, {select} FROM ({inner_sql}) r) r"
    found = []
    with connection.cursor() as cursor:
        for index, group in enumerate(sets):
            keys = ", ".join(f"g_{name} AS {name}" if name in group else f"NULL AS {name}"
                             for name in columns)
            by = f" GROUP BY {', '.join(f'g_{name}' for name in group)}" if group else ""
            cursor.execute(f"SELECT {keys}, {computed} FROM {source}{by}",
                           [*extra, *inner_params])
            header = [column[0] for column in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(header, values, strict=True))
                for name in dates & set(group):
                    if row[name] is not None:
                        row[name] = date.fromisoformat(row[name])
                found.append({**row, "set": index})
    return found


def in_lists(sql: str, params: list) -> tuple[str, list]:
    """`x = ANY(%s)` with a list parameter, as `x IN (%s, …)` with its items."""
    parts = sql.split("%s")
    out, flat = parts[0], []
    for part, param in zip(parts[1:], params, strict=True):
        if isinstance(param, (list, tuple)) and out.endswith("= ANY("):
            out = out[:-len("= ANY(")] + "IN (" + ", ".join(["%s"] * len(param))
            flat.extend(param)
        else:
            out += "%s"
            flat.append(param)
        out += part
    return out, flat
