"""Several worker processes share one queue on PostgreSQL: every task runs exactly once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from jobs.models import TaskFailure
from jobs.tests import sample_tasks

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TASKS = 60
WORKERS = 3


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers share a PostgreSQL queue")
def test_three_workers_run_every_task_exactly_once():
    for n in range(TASKS):
        sample_tasks.write_row.defer(f"task-{n}")  # no transaction open: queued at once
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    workers = [
        subprocess.Popen(
            [*command, "--no-reload", "--worker-id", f"w{n}", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in range(WORKERS)
    ]
    outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
    assert [w.returncode for w in workers] == [0] * WORKERS, outputs
    keys = sorted(
        TaskFailure.objects.filter(task="witness").values_list("arguments__key", flat=True)
    )
    assert keys == sorted(f"task-{n}" for n in range(TASKS))
