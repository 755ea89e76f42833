"""Background tasks: queued only after commit, retried with back-off, failures recorded,
given up with a reason."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import TaskFailure
from jobs.testing import queued, run_tasks
from jobs.tests import sample_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_samples():
    for bucket in (sample_tasks.calls, sample_tasks.gave_up, sample_tasks.plan):
        bucket.clear()
    yield


def defer(task, *args, capture, **kwargs):
    with capture(execute=True):
        task.defer(*args, **kwargs)


def test_a_deferred_task_waits_for_the_commit_and_runs_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sample_tasks.plain.defer(21)
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    for callback in callbacks:
        callback()
    assert queued().count() == 1
    assert run_tasks() == 1
    assert sample_tasks.calls == [21]
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 42
    assert run_tasks() == 0


def test_a_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                sample_tasks.plain.defer(1)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert DBTaskResult.objects.count() == 0


def test_arguments_the_queue_cannot_store_are_refused_at_once():
    with pytest.raises(TypeError):
        sample_tasks.plain.defer(object())
    assert DBTaskResult.objects.count() == 0


def test_a_failure_is_recorded_and_retried_after_the_back_off(django_capture_on_commit_callbacks):
    sample_tasks.plan.extend(["fail", "ok"])
    defer(sample_tasks.flaky, "sms-1", times=2, capture=django_capture_on_commit_callbacks)
    before = timezone.now()
    assert run_tasks() == 1  # the retry is not due yet
    failure = TaskFailure.objects.get()
    assert failure.task == "jobs.tests.sample_tasks.flaky"
    assert failure.attempt == 1 and not failure.final
    assert failure.error == "ConnectionError: provider unreachable"
    assert failure.arguments == {"args": ["sms-1"], "kwargs": {"times": 2}}
    retry = queued(include_delayed=True).get()
    # backoff 10 s for the first retry, plus at most 10 % jitter
    assert before + timedelta(seconds=10) <= retry.run_after
    assert retry.run_after <= timezone.now() + timedelta(seconds=11)
    assert run_tasks(include_delayed=True) == 1
    assert sample_tasks.calls == [("sms-1", 2), ("sms-1", 2)]
    assert sample_tasks.gave_up == []
    assert TaskFailure.objects.count() == 1


def test_the_back_off_doubles_and_is_capped():
    task = sample_tasks.flaky
    assert 10 <= task.delay_before(1) <= 11
    assert 20 <= task.delay_before(2) <= 22
    assert 40 <= task.delay_before(3) <= 44
    assert task.delay_before(30) == 3600


def test_retry_after_is_honoured(django_capture_on_commit_callbacks):
    sample_tasks.plan.extend(["retry:12", "ok"])
    defer(sample_tasks.flaky, "sms-2", capture=django_capture_on_commit_callbacks)
    before = timezone.now()
    run_tasks()
    retry = queued(include_delayed=True).get()
    assert before + timedelta(seconds=12) <= retry.run_after
    assert retry.run_after <= timezone.now() + timedelta(seconds=12)
    assert TaskFailure.objects.get().error == "429 Too Many Requests"
    run_tasks(include_delayed=True)
    assert len(sample_tasks.calls) == 2


def test_give_up_stops_at_once_and_says_why(django_capture_on_commit_callbacks):
    sample_tasks.plan.append("give-up")
    defer(sample_tasks.flaky, "sms-3", capture=django_capture_on_commit_callbacks)
    run_tasks(include_delayed=True)
    assert len(sample_tasks.calls) == 1
    failure = TaskFailure.objects.get()
    assert failure.final and failure.error == "the number is not a mobile phone"
    assert sample_tasks.gave_up == [(("sms-3",), {}, "the number is not a mobile phone")]
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED


def test_after_the_last_attempt_the_task_gives_up(django_capture_on_commit_callbacks):
    sample_tasks.plan.extend(["fail", "fail", "fail", "ok"])
    defer(sample_tasks.flaky, "sms-4", capture=django_capture_on_commit_callbacks)
    assert run_tasks(include_delayed=True) == 3  # max_attempts
    assert list(TaskFailure.objects.order_by("attempt").values_list("attempt", "final")) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert sample_tasks.gave_up == [(("sms-4",), {}, "ConnectionError: provider unreachable")]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3


def test_the_overview_page_shows_the_queue_and_failures(
    client, admin, specialist, django_capture_on_commit_callbacks
):
    sample_tasks.plan.extend(["fail", "ok"])
    defer(sample_tasks.flaky, "<script>x</script>", capture=django_capture_on_commit_callbacks)
    defer(sample_tasks.plain, 5, capture=django_capture_on_commit_callbacks)
    client.force_login(admin)
    html = client.get("/settings/tasks/").content.decode()
    assert 'data-state="waiting">2<' in html
    run_tasks()
    html = client.get("/settings/tasks/").content.decode()
    assert 'data-state="waiting">0<' in html and 'data-state="delayed">1<' in html
    assert "ConnectionError: provider unreachable" in html
    assert "jobs.tests.sample_tasks.flaky" in html
    client.force_login(specialist)
    assert client.get("/settings/tasks/").status_code == 403


def test_the_overview_page_runs_the_same_queries_for_many_failures(
    client, admin, django_assert_max_num_queries
):
    TaskFailure.objects.bulk_create(
        TaskFailure(task="t", arguments={}, attempt=1, error="e") for _ in range(120)
    )
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        response = client.get("/settings/tasks/")
    assert response.status_code == 200
    assert response.content.decode().count("data-failure=") == 50
