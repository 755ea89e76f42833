"""What the background-task page shows: the queue's state and the recent failures."""

from django.db.models import Count, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import TaskFailure


def queue_state() -> dict[str, int]:
    """Tasks waiting now, waiting for a retry's time, and running: one query."""
    now = timezone.now()
    ready = Q(status=TaskResultStatus.READY)
    # "No time set" is stored as the year 9999, which is later than now too.
    later = Q(run_after__gt=now) & ~Q(run_after=get_date_max())
    return DBTaskResult.objects.aggregate(
        waiting=Count("id", filter=ready & ~later),
        delayed=Count("id", filter=ready & later),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
    )


def recent_failures():
    return TaskFailure.objects.order_by("-failed_at", "-id")
