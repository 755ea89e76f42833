"""Run queued background tasks inside a test, without a worker process or waiting."""

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

LIMIT = 1000  # a task that keeps queueing itself must not hang the suite


def queued(*, include_delayed: bool = False):
    """Tasks waiting to run, oldest first."""
    tasks = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    if not include_delayed:
        tasks = tasks.ready()
    return tasks.order_by("-priority", "enqueued_at")


def run_tasks(*, include_delayed: bool = False) -> int:
    """Run every due task, and the retries they queue, until none is left; the number run.

    ``include_delayed`` also runs tasks whose time has not come (retries waiting for their
    back-off), so a test sees a retry without sleeping."""
    ran = 0
    while ran < LIMIT:
        result = queued(include_delayed=include_delayed).first()
        if result is None:
            return ran
        result.claim("tests")
        try:
            value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        except Exception as exc:
            result.set_failed(exc)
        else:
            result.set_successful(value)
        ran += 1
    raise RuntimeError(f"more than {LIMIT} tasks ran: a task keeps queueing itself")
