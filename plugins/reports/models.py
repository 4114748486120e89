"""The reports' facts: what every report aggregates, one narrow row per message (and per
rating), computed once by `plugins.reports.facts` instead of on every report.

A report over two years of a million messages cannot afford a dozen lookups per message
(first answer, redirects, arrivals, postponement, working days; see
docs/performance.md): the facts hold their results, so a report is one scan of narrow rows
with no joins. The filter columns keep the names of `cms.Appeal`'s fields, so the
permission policy's scope and `ReportFilters.narrow` apply to facts unchanged.

No foreign-key constraints: the facts are a cache of other tables, refreshed by a task;
they must never block a write to the tables they summarise. A message is never deleted
(its rows are PROTECTed); a full refresh drops facts of anything gone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cms.models.appeals import RUNNING_STATUSES


def _loose(to: str, **extra) -> models.ForeignKey:
    """A foreign key for reading (joins, names), without a constraint or cascade."""
    return models.ForeignKey(to, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", **extra)


class AppealFact(models.Model):
    """One message as the reports count it, as of `refreshed_at`.

    Definitions (the same as `plugins.reports.measures`): `answered_at` is the first
    published answer's time; `on_time` is NULL when not answered, else whether that
    answer came no later than the deadline (no deadline: on time); `working_days` is the
    time to answer in whole working days of the region's calendar; `redirects` counts the
    organisations' redirects, `loss_hours` the time from the first arrival at an
    organisation to the last; `postponed` whether a postponement was approved.
    """

    appeal = models.OneToOneField("cms.Appeal", primary_key=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, related_name="+")
    region = _loose("cms.Region")
    created_at = models.DateTimeField()
    # The registration day in the region's time zone: the series and open data's months.
    created_day = models.DateField()
    organisation = _loose("cms.Organisation")
    category = _loose("cms.Category")
    subcategory = _loose("cms.Subcategory")
    territory = _loose("cms.Territory")
    executor = _loose(settings.AUTH_USER_MODEL, null=True)
    channel = models.CharField(max_length=16)
    is_fast_track = models.BooleanField()
    status = models.CharField(max_length=32)
    deadline = models.DateTimeField(null=True)
    answered_at = models.DateTimeField(null=True)
    on_time = models.BooleanField(null=True)
    working_days = models.IntegerField(null=True)
    redirects = models.SmallIntegerField(default=0)
    loss_hours = models.FloatField(null=True)
    postponed = models.BooleanField(default=False)
    version = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Every report's period within the scope's regions.
            models.Index(fields=["region", "created_at"], name="reports_fact_region_created"),
            # Overdue now: the running messages past their deadline, a few percent of
            # them, read from the index alone (an index-only scan, no heap).
            models.Index(fields=["region", "deadline"], name="reports_fact_overdue",
                         include=["created_at", "created_day", "organisation",
                                  "category"],
                         condition=models.Q(status__in=RUNNING_STATUSES)),
        ]

    def __str__(self) -> str:
        return f"facts of message {self.appeal_id}"


class RatingFact(models.Model):
    """One citizen's rating, with the message's dimensions the satisfaction figures are
    split and filtered by. `rated_month` is the first day of the rating's month in the
    region's zone; `is_low` uses the region's threshold at refresh time; `reopened`: a
    curator's review of it reopened the message."""

    rating_id = models.BigIntegerField(primary_key=True)
    appeal = _loose("cms.Appeal")
    region = _loose("cms.Region")
    # The message's registration: the period filter of the satisfaction report.
    created_at = models.DateTimeField()
    organisation = _loose("cms.Organisation")
    category = _loose("cms.Category")
    executor = _loose(settings.AUTH_USER_MODEL, null=True)
    rated_month = models.DateField()
    score = models.SmallIntegerField()
    is_low = models.BooleanField()
    reopened = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["region", "created_at"], name="reports_rating_region_created"),
        ]

    def __str__(self) -> str:
        return f"facts of rating {self.rating_id}"


class MonthFigures(models.Model):
    """Sums of the message facts per region, registration month (the region's zone),
    organisation and category, split by one more breakdown (`kind`): the current status
    (with every deadline figure), the channel, the territory branch (the path of the
    territory's ancestor under the region's root), the working days to answer, or the
    month their ratings were given. A report
    reads whole months of its period here, a few hundred rows a month, and only the
    days at the edges of its period from the facts (plugins.reports.cube).
    Rebuilt per (region, month) after the facts of that month change."""

    STATUS, CHANNEL, BRANCH, DAYS = "status", "channel", "branch", "days"
    # The ratings of the month's messages, by the month rated (`key`, YYYY-MM-DD): open
    # data's satisfaction columns.
    RATING = "rating"

    kind = models.CharField(max_length=8)
    region = _loose("cms.Region")
    month = models.DateField()
    organisation = _loose("cms.Organisation")
    # None: the sums over every category (what a report without a category filter
    # reads: a few times fewer rows than per category).
    category = _loose("cms.Category", null=True)
    # The status, the channel, the branch's path or the working days, by `kind`.
    key = models.CharField(max_length=255)
    messages = models.IntegerField()  # of kind "rating": the ratings
    scores = models.IntegerField(default=0)  # of kind "rating": the sum of their scores
    # Of kind "status" only (zero elsewhere): the deadline figures' sums.
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    postponed = models.IntegerField(default=0)
    redirects = models.IntegerField(default=0)
    redirected = models.IntegerField(default=0)  # with a time lost in redirects
    loss_hours = models.FloatField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region", "kind", "category", "month"],
                         name="reports_month_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} of {self.month:%Y-%m}"


class FactsRefresh(models.Model):
    """When the facts were last brought up to date (one row per kind of facts):
    `refreshed_at` is what the report pages show; `changed_since` is where the next
    incremental refresh starts reading changes."""

    name = models.CharField(max_length=32, primary_key=True)
    refreshed_at = models.DateTimeField()
    changed_since = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at:%Y-%m-%d %H:%M}"


# The problem points' own facts (plugins/reports/problem_facts.py, migration 0003), imported
# here so that Django registers them with the app.
from .problem_facts import ProblemFact, ProblemPlace  # noqa: F401
