"""The problem-points report's facts (plugins/reports/problem_facts.py: places with their
totals, one narrow row per message with its place and its group of similar messages, the
groups with their sizes, messages per month, subcategory and territory), and two indexes on the
core's messages for the per-message lookups of similar messages (docs/performance.md):

- `reports_appeal_place_time` (subcategory, territory, created_at): the moderator's
  possible duplicates read the messages of one subcategory and a few territories within
  a month of the message, a few dozen rows, instead of a region's month (tens of
  thousands) through (region, created_at);
- `reports_appeal_open_place` (subcategory, territory) over open messages only: the
  citizen's "already reported" reads the open messages of one subcategory and territory
  (a few percent of them are open) before comparing their addresses.

Plain CREATE INDEX (not CONCURRENTLY): a deploy runs migrations before traffic.
"""

import django.db.models.deletion
from django.db import migrations, models

# cms.models.appeals.OPEN_STATUSES when this was written (a migration keeps its own copy;
# `similar.already_reported` filters on the same sorted list).
OPEN = ", ".join(f"'{status}'" for status in (
    "in_work", "on_approval", "on_moderation", "postponed", "registered",
    "sent_to_organisation", "waiting_for_citizen"))


# The facts' indexes, each including every column the report's scope and filters read and
# the fact's id (counted), so that the report counts by index-only scans: a place's, a
# group's or a period's facts lie on pages all over the table (facts are in message
# order). With INCLUDE on PostgreSQL, plain elsewhere (SQLite has none; Django's
# `Index(include=…)` would warn there on every start).
# - period (region, created_at): growth's days outside whole months, a short period's
#   full counts;
# - place (place, created_at): a place's messages in a period (the busiest places), and
#   in order (the refresh compares neighbours there);
# - group (similar_group, created_at), grouped facts only: the largest groups.
FILTERS = ("appeal_id", "region_id", "organisation_id", "category_id", "subcategory_id",
           "territory_id", "channel", "is_fast_track")
COVERING = {
    "reports_problem_period": ("(region_id, created_at)",
                               (*FILTERS[:1], *FILTERS[2:], "place_id", "similar_group"), ""),
    "reports_problem_place": ("(place_id, created_at)", FILTERS, ""),
    "reports_problem_group": ("(similar_group, created_at)", FILTERS,
                              "WHERE similar_group IS NOT NULL"),
}


def create_covering_indexes(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, (key, include, where) in COVERING.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON reports_problemfact {key}"
            + (f" INCLUDE ({', '.join(include)})" if postgresql else "")
            + (f" {where}" if where else ""))


def drop_covering_indexes(apps, schema_editor):
    for name in COVERING:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


INDEXES = {
    "reports_appeal_place_time": "cms_appeal (subcategory_id, territory_id, created_at)",
    "reports_appeal_open_place": f"cms_appeal (subcategory_id, territory_id) "
                                 f"WHERE status IN ({OPEN})",
}


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0012_event_internal_note"),
        ("reports", "0002_report_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProblemPlace",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=500)),
                ("address", models.CharField(max_length=500)),
                ("total", models.PositiveIntegerField(default=0)),
                ("region", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING,
                                             related_name="+", to="cms.region")),
                ("territory", models.ForeignKey(db_constraint=False, db_index=False,
                                                on_delete=django.db.models.deletion.DO_NOTHING,
                                                related_name="+", to="cms.territory")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("territory", "key"),
                                                        name="reports_problemplace_unique")],
                "indexes": [models.Index(fields=["region", "-total", "id"],
                                         name="reports_problemplace_busiest")],
            },
        ),
        migrations.CreateModel(
            name="ProblemFact",
            fields=[
                ("appeal", models.OneToOneField(db_constraint=False,
                                                on_delete=django.db.models.deletion.DO_NOTHING,
                                                primary_key=True, related_name="+",
                                                serialize=False, to="cms.appeal")),
                ("created_at", models.DateTimeField()),
                ("channel", models.CharField(max_length=16)),
                ("is_fast_track", models.BooleanField()),
                ("similar_group", models.BigIntegerField(null=True)),
                ("category", models.ForeignKey(db_constraint=False, db_index=False,
                                               on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name="+", to="cms.category")),
                ("organisation", models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+", to="cms.organisation")),
                ("place", models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="+", to="reports.problemplace")),
                ("region", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING,
                                             related_name="+", to="cms.region")),
                ("subcategory", models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+", to="cms.subcategory")),
                ("territory", models.ForeignKey(db_constraint=False, db_index=False,
                                                on_delete=django.db.models.deletion.DO_NOTHING,
                                                related_name="+", to="cms.territory")),
            ],
        ),
        migrations.RunPython(create_covering_indexes, drop_covering_indexes),
        migrations.CreateModel(
            name="ProblemGroup",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("size", models.PositiveIntegerField()),
                ("place", models.ForeignKey(db_constraint=False,
                                            on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="+", to="reports.problemplace")),
                ("region", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING,
                                             related_name="+", to="cms.region")),
                ("subcategory", models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+", to="cms.subcategory")),
            ],
            options={
                "indexes": [models.Index(fields=["region", "-size", "id"],
                                         name="reports_problemgroup_largest")],
            },
        ),
        migrations.CreateModel(
            name="ProblemMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("messages", models.IntegerField()),
                ("category", models.ForeignKey(db_constraint=False, db_index=False,
                                               on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name="+", to="cms.category")),
                ("region", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING,
                                             related_name="+", to="cms.region")),
                ("subcategory", models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+", to="cms.subcategory")),
                ("territory", models.ForeignKey(db_constraint=False, db_index=False,
                                                on_delete=django.db.models.deletion.DO_NOTHING,
                                                related_name="+", to="cms.territory")),
            ],
            options={
                "constraints": [models.UniqueConstraint(
                    fields=("region", "month", "subcategory", "territory"),
                    name="reports_problemmonth_unique")],
            },
        ),
        *(migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
                            reverse_sql=f"DROP INDEX IF EXISTS {name}")
          for name, definition in INDEXES.items()),
    ]
