"""The reports, in the order the "Reports" section lists them: the one list that the
admin views, the exports, `manage.py bench_reports` and the open-data page all read.

A report is a `Report` (plugins.reports.results): a key, a title, and
`compute(filters, scope) -> ReportResult`, where `scope` is `report_scope(user, filters)`
(plugins.reports.filters): `scope.rows(Model, period=...)` are the rows of the messages in
the user's scope narrowed by the filters, read from the reports' facts
(`AppealFact`, `RatingFact`) or from `cms.Appeal` (`scope.appeals`). A result holds

- `tables`: each with its columns (key, label, kind) — the export's columns, in Russian
  through the catalogue — and rows (dicts keyed by column). A row's `_links` maps a
  column to the extra GET parameters of the messages behind that figure (see
  `plugins.reports.drilldown`); the view adds the filters;
- `charts`: each names the table it draws (the accessible table beside it);
- `notice`: a sentence shown instead of figures that cannot be given (rating off).

Every compute aggregates in SQL with a constant number of queries, whatever the number
of messages; nothing loops over messages in Python. The facts are as fresh as their last
refresh (`plugins.reports.facts`, every few minutes); each report page says when.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import deadlines, problems, satisfaction, volume
from .results import Report

REPORTS: list[Report] = [
    Report("volume", _("Volume"),
           _("Messages received by day, week or month; by category, territory, "
             "organisation and channel; their current statuses."), volume.compute),
    Report("deadlines", _("Deadline compliance"),
           _("Answered on time and late, overdue now, postponed; time to answer in "
             "working days; redirects; organisations ranked."), deadlines.compute),
    Report("satisfaction", _("Satisfaction"),
           _("Citizens' scores of answers by organisation, category and executor."),
           satisfaction.compute),
    Report("problems", _("Problem points"),
           _("Fastest-growing subcategories and territories, places with repeated "
             "messages, groups of similar messages."), problems.compute),
]


def get_report(key: str) -> Report:
    """The report of `key`; raises KeyError for an unknown one."""
    for report in REPORTS:
        if report.key == key:
            return report
    raise KeyError(key)
