"""The one django-tasks task the queue holds: it finds the ``BackgroundTask`` by its dotted
path and runs one attempt of it."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_tasks import task


@task()
def run_job(path: str, args: list, kwargs: dict, attempt: int):
    from .base import BackgroundTask

    job = import_string(path)
    if not isinstance(job, BackgroundTask):
        raise ImproperlyConfigured(f"{path} is not a background task")
    return job.execute(args, kwargs, attempt)
