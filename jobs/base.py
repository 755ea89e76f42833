"""Background tasks with retries: the one way Oficina runs work outside a request.

``@background_task`` turns a function into a task. ``task.defer(*args)`` queues it once the
surrounding transaction commits (a rolled-back change queues nothing). The queue is
django-tasks with its database backend: with SQLite or PostgreSQL it needs nothing else, and
any number of ``manage.py db_worker`` processes share it (each claims a task under a
``SKIP LOCKED`` row lock, so a task runs once).

Every attempt that fails is recorded in ``TaskFailure``. ``Retry(after=…)`` asks for another
attempt after that many seconds (a provider's ``Retry-After``); ``GiveUp`` stops at once; any
other exception is retried with exponential back-off until ``max_attempts``. When a task gives
up, its ``on_give_up`` callback learns why (e.g. to mark an SMS "Not sent").
"""

import json
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("oficina.jobs")

MAX_DELAY = 3600  # seconds: no retry waits longer than an hour
ERROR_LIMIT = 2000  # characters of an error kept with a failure


class Retry(Exception):
    """Try this task again after ``after`` seconds (the attempt still counts)."""

    def __init__(self, after: float, reason: str = "") -> None:
        super().__init__(reason or f"retry in {after} s")
        self.after = max(0.0, float(after))
        self.reason = reason


class GiveUp(Exception):
    """This task cannot succeed (e.g. the provider refused the request): do not retry."""


class BackgroundTask:
    """A function run by the worker, with its retry policy."""

    def __init__(
        self,
        func: Callable,
        *,
        max_attempts: int,
        backoff: float,
        on_give_up: Callable | None,
        queue: str,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.func = func
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.on_give_up = on_give_up
        self.queue = queue
        self.path = f"{func.__module__}.{func.__qualname__}"
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def __repr__(self) -> str:
        return f"<BackgroundTask {self.path}>"

    def defer(self, *args, **kwargs) -> None:
        """Queue the task after the current transaction commits (at once outside one)."""
        json.dumps([args, kwargs])  # refuse arguments the queue cannot store, here and now
        transaction.on_commit(partial(self.enqueue_attempt, list(args), kwargs, attempt=1))

    def run_now(self, *args, **kwargs):
        """Run the function here, without the queue and its retries."""
        return self.func(*args, **kwargs)

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1``: doubling, jittered, capped."""
        base = self.backoff * (2 ** (attempt - 1))
        return min(MAX_DELAY, base * (1 + random.random() / 10))  # noqa: S311  (jitter)

    def enqueue_attempt(self, args: list, kwargs: dict, *, attempt: int, after: float = 0) -> None:
        from .runner import run_job

        task = run_job.using(queue_name=self.queue)
        if after > 0:
            task = task.using(run_after=timezone.now() + timedelta(seconds=after))
        task.enqueue(self.path, args, kwargs, attempt)

    def execute(self, args: list, kwargs: dict, attempt: int):
        """One attempt, as the worker runs it: record a failure, then retry or give up."""
        try:
            return self.func(*args, **kwargs)
        except GiveUp as exc:
            self._give_up(args, kwargs, attempt, exc)
            raise
        except Retry as exc:
            if attempt >= self.max_attempts:
                self._give_up(args, kwargs, attempt, exc)
                raise
            self._record(args, kwargs, attempt, exc, final=False)
            self.enqueue_attempt(args, kwargs, attempt=attempt + 1, after=exc.after)
            raise
        except Exception as exc:
            if attempt >= self.max_attempts:
                self._give_up(args, kwargs, attempt, exc)
                raise
            self._record(args, kwargs, attempt, exc, final=False)
            self.enqueue_attempt(
                args, kwargs, attempt=attempt + 1, after=self.delay_before(attempt)
            )
            raise

    def _record(self, args, kwargs, attempt: int, exc: BaseException, *, final: bool) -> str:
        from .models import TaskFailure

        error = describe(exc)
        TaskFailure.objects.create(
            task=self.path,
            arguments={"args": args, "kwargs": kwargs},
            attempt=attempt,
            error=error,
            final=final,
        )
        logger.warning("%s attempt %s failed: %s", self.path, attempt, error)
        return error

    def _give_up(self, args, kwargs, attempt: int, exc: BaseException) -> None:
        error = self._record(args, kwargs, attempt, exc, final=True)
        if self.on_give_up is None:
            return
        try:
            self.on_give_up(*args, error=error, **kwargs)
        except Exception:
            logger.exception("%s: on_give_up failed", self.path)


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, Retry | GiveUp):
        text = f"{type(exc).__name__}: {text}"
    return text[:ERROR_LIMIT]


def background_task(
    func: Callable | None = None,
    *,
    max_attempts: int = 5,
    backoff: float = 30,
    on_give_up: Callable | None = None,
    queue: str = "default",
):
    """Make ``func`` a background task; use bare or with arguments."""

    def wrap(f: Callable) -> BackgroundTask:
        return BackgroundTask(
            f, max_attempts=max_attempts, backoff=backoff, on_give_up=on_give_up, queue=queue
        )

    return wrap(func) if func is not None else wrap
