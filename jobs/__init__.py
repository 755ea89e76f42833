"""Background tasks: ``background_task``, ``Retry``, ``GiveUp`` (see ``jobs.base``)."""

from .base import BackgroundTask, GiveUp, Retry, background_task

__all__ = ["BackgroundTask", "GiveUp", "Retry", "background_task"]
