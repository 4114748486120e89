"""Indexes on the core's tables for the reports' per-message lookups (see
docs/performance.md, where EXPLAIN (ANALYZE) over a million generated messages shows each
one's effect).

- the first published answer of a message: the reports' "answered", "on time" and "time
  to answer" read it per message; with (appeal, published_at) over published answers
  only it is the first entry of an index-only scan, without a sort or a heap visit;
- a message's redirects (ADDRESSEE_CHANGED) and its arrivals at an organisation
  (STATUS_CHANGED to "sent to organisation"): a message has some eight events, the
  partial indexes hold only the one or two the reports count;
- messages of a region by registration time: every report's period, so a month or a
  quarter reads its own rows rather than the whole table.

Plain CREATE INDEX (not CONCURRENTLY): a deploy runs migrations before traffic. Partial
indexes work on PostgreSQL and SQLite alike.
"""

from django.db import migrations

INDEXES = {
    "reports_answer_first": "cms_answer (appeal_id, published_at) "
                            "WHERE is_published AND published_at IS NOT NULL",
    "reports_event_redirect": "cms_appealevent (appeal_id) "
                              "WHERE kind = 'addressee_changed'",
    "reports_event_arrival": "cms_appealevent (appeal_id, created_at) "
                             "WHERE kind = 'status_changed' "
                             "AND to_value = 'sent_to_organisation'",
    "reports_appeal_region_created": "cms_appeal (region_id, created_at)",
}


class Migration(migrations.Migration):

    dependencies = [("cms", "0009_event_kinds_from_plugins")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
                          reverse_sql=f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
