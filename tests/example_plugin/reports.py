"""A report dataset (`report_datasets`): messages per status."""

from django.db.models import Count

from cms.kernel.hookspecs import ReportDataset
from cms.kernel.plugins import hookimpl
from cms.models import Appeal

__all__ = ["report_datasets"]


def messages_per_status(region_ids, since, until):
    counted = (Appeal.objects.filter(region_id__in=region_ids, created_at__gte=since,
                                     created_at__lt=until)
               .values("region_id", "status").annotate(count=Count("pk"))
               .order_by("region_id", "status"))
    return [{"region": row["region_id"], "status": row["status"], "count": row["count"]}
            for row in counted]


@hookimpl
def report_datasets():
    return [ReportDataset(
        key="example_messages_per_status",
        label="Messages per status (example)",
        columns=(("region", "region"), ("status", "status"), ("count", "messages")),
        rows=messages_per_status,
    )]
