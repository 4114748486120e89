"""The submit path's shared counters, taken before the registration's transaction.

Every post is counted against the citizen's and the address's rate limits, and an
allowed message with a decision is numbered (`registration.take_number`). Both rows are
shared (an address by a whole office behind NAT, the number by every citizen of the
region), so each is written by a statement that commits by itself and holds its lock
for that statement only, not for the registration after it.

On PostgreSQL with the counts in the database (the one-box configuration) they are one
statement: a data-modifying CTE counts the attempt and numbers the message only when
the counts it returns are within the limits. It takes the rate rows, then the number's
row, the same order as the two statements would. Elsewhere (the counts in Redis,
SQLite) they are two statements, one after the other.
"""

from __future__ import annotations

import time

from django.db import connection

from . import ratelimit
from .registration import Decision, number_text, number_upsert, take_number


def count_and_number(request, decision: Decision | None) -> ratelimit.Verdict:
    """Count this post against the limits; number `decision`'s message when allowed."""
    if decision is None or not _in_one_statement():
        verdict = ratelimit.check_submission_rate(request)
        if verdict.allowed and decision is not None:
            take_number(decision)
        return verdict
    now = int(time.time())
    hits = ratelimit.submission_hits(request, now)
    count_sql, count_params = ratelimit.count_upsert(hits)
    over = " OR ".join(["(scope = %s AND used > %s)"] * len(hits))
    number_sql, number_params = number_upsert(
        decision.data.region, decision.at,
        where=f"WHERE NOT EXISTS (SELECT 1 FROM counted WHERE {over})",
        where_params=[value for hit in hits for value in (hit.scope, hit.count)],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH counted AS ({count_sql}), numbered AS ({number_sql}) "
            f"SELECT scope, used, (SELECT last_value FROM numbered) FROM counted",
            [*count_params, *number_params],
        )
        rows = cursor.fetchall()
    verdict = ratelimit.verdict(hits, {scope: used for scope, used, _value in rows}, now)
    value = rows[0][2]
    if verdict.allowed:
        decision.appeal.number = number_text(decision.data.region, decision.at, value)
    return verdict


def _in_one_statement() -> bool:
    return ratelimit.store() == "database" and connection.vendor == "postgresql"
