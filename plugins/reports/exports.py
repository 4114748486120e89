"""A report's tables as CSV or XLSX: Russian headers, human values, no formulas.

CSV: the report's title and filters, then each table under its title, separated by an
empty line; values read as on the page (the period's dates are the region's local dates).
XLSX: one sheet per table, numbers kept as numbers (shares with a percent format). In
both, any text starting like a formula (= + - @ tab CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .filters import ReportFilters
from .formatting import display, is_text, spreadsheet_text
from .results import DAYS, SHARE, Report, ReportResult, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_cell(value, kind: str) -> str:
    text = display(value, kind)
    if is_text(kind):
        return spreadsheet_text(text)
    # A growth reads "+7" on the page; in a file a plain number, never a formula start.
    return text.removeprefix("+")


def header_lines(report: Report, filters: ReportFilters) -> list[list[str]]:
    return [[spreadsheet_text(report.title)],
            *([spreadsheet_text(label), spreadsheet_text(value)]
              for label, value in filters.described())]


def table_lines(table: Table) -> list[list[str]]:
    lines = [[spreadsheet_text(table.title)],
             [spreadsheet_text(column.label) for column in table.columns]]
    rows = [*table.rows, *([table.totals] if table.totals else [])]
    for row in rows:
        lines.append([csv_cell(row.get(column.key), column.kind) for column in table.columns])
    return lines


def as_csv(report: Report, filters: ReportFilters, result: ReportResult) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows(header_lines(report, filters))
    if result.notice:
        writer.writerow([spreadsheet_text(result.notice)])
    for table in result.tables:
        writer.writerow([])
        writer.writerows(table_lines(table))
    # A BOM, so that a spreadsheet opening the file reads it as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_value(value, kind: str):
    if value is None or value == "":
        return None
    if is_text(kind) or isinstance(value, str) or not isinstance(value, int | float):
        return spreadsheet_text(display(value, kind))
    return value


def as_xlsx(report: Report, filters: ReportFilters, result: ReportResult) -> bytes:
    book = Workbook()
    about = book.active
    about.title = "Отчёт"[:31]
    for line in header_lines(report, filters):
        about.append(line)
    if result.notice:
        about.append([spreadsheet_text(result.notice)])
    used = {about.title}
    for table in result.tables:
        sheet = book.create_sheet(unique_title(str(table.title), used))
        sheet.append([spreadsheet_text(column.label) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in [*table.rows, *([table.totals] if table.totals else [])]:
            sheet.append([xlsx_value(row.get(column.key), column.kind)
                          for column in table.columns])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 40 if is_text(column.kind) else 16
            fmt = {SHARE: "0.0%", DAYS: "0.0"}.get(column.kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unique_title(title: str, used: set[str]) -> str:
    # A sheet title: at most 31 characters, none of []:*?/\ , unique in the book.
    clean = "".join(" " if char in "[]:*?/\\" else char for char in title)[:28]
    candidate, number = clean, 2
    while candidate in used:
        candidate, number = f"{clean} {number}", number + 1
    used.add(candidate)
    return candidate


def response(report: Report, filters: ReportFilters, result: ReportResult,
             fmt: str) -> HttpResponse:
    name = f"{slugify(report.key)}-{filters.since:%Y%m%d}-{filters.until:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        reply = HttpResponse(as_xlsx(report, filters, result), content_type=XLSX_TYPE)
    else:
        reply = HttpResponse(as_csv(report, filters, result), content_type=CSV_TYPE)
    reply["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply
