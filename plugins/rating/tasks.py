"""django-q2 tasks of the rating plugin (declared through `scheduled_tasks` in
`plugins.rating.hooks`; `migrate` syncs them to django-q2 schedules)."""

from django.utils import timezone

from .closing import close_unrated


def close_unrated_task() -> dict[str, int]:
    return close_unrated(timezone.now()).as_dict()
