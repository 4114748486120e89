"""What a report computes: tables (the export's columns and rows) and charts of them.

See `plugins.reports.registry` for how reports use them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .filters import ReportFilters, ReportScope

TEXT, NUMBER, SHARE, DAYS, HOURS = "text", "number", "share", "days", "hours"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str = NUMBER


@dataclass
class Table:
    key: str
    title: Any
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] | None = None


@dataclass(frozen=True)
class Chart:
    """A chart of one table: `kind` is "line" (time series), "bar" or "hbar"; `label`
    names the column of category labels, `series` the number columns drawn."""

    table: str
    kind: str
    title: Any
    label: str
    series: tuple[str, ...]


@dataclass
class ReportResult:
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notice: Any = None

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


@dataclass(frozen=True)
class Report:
    key: str
    title: Any
    description: Any
    compute: Callable[[ReportFilters, ReportScope], ReportResult]
