"""How a report's value reads for people: on the page, in the CSV and in the XLSX.

One function per column kind (see `results`): shares as percentages, days with one
decimal, dates as dd.mm.yyyy, missing figures as a dash, decimals with a comma in
Russian (Django's number formatting for the active language).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format

from .results import DAYS, NUMBER, SHARE, TEXT

DASH = "—"
# A spreadsheet reads a cell starting with one of these as a formula (or as the start of
# one, after a tab or a line break): such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display(value: Any, kind: str) -> str:
    if value is None or value == "":
        return DASH
    if kind == SHARE:
        return f"{number_format(value * 100, 1)} %"
    if kind in (DAYS, "decimal"):
        return number_format(value, 1 if kind == DAYS else 2)
    if kind == "signed":
        text = number_format(value, 1 if isinstance(value, float) else 0)
        return f"+{text}" if value > 0 else text
    if kind == "date" and isinstance(value, date):
        return date_format(value, "d.m.Y")
    if kind == NUMBER:
        return number_format(value, 0, force_grouping=False)
    return str(value)


def spreadsheet_text(value: Any) -> str:
    """Text for a spreadsheet cell, never read as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def is_text(kind: str) -> bool:
    return kind == TEXT
