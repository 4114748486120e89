"""django-q2 task of the retention rules (scheduled daily by the core)."""

from dataclasses import asdict

from django_q.tasks import async_task

from . import anonymise

TASK = "cms.retention.tasks.anonymise_personal_data_task"
# Well inside the cluster's task timeout (60 s): a run that reaches it stops after its
# batch, and the task enqueues itself again to go on.
TIME_LIMIT_SECONDS = 40


def anonymise_personal_data_task() -> dict:
    """Anonymise every region's due messages, then the idle citizen accounts. Idempotent:
    a retried or doubled run finds nothing left to do. Returns the counts by scope."""
    result = anonymise.anonymise_personal_data(batch_size=anonymise.BATCH_SIZE,
                                               time_limit=TIME_LIMIT_SECONDS)
    if not anonymise.is_complete(result):
        async_task(TASK, task_name="retention-continued")
    return {scope: asdict(counts) for scope, counts in result.items()}
