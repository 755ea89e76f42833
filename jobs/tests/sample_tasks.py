"""Tasks the jobs tests run: each writes what happened to a list the test reads."""

from jobs import GiveUp, Retry, background_task

calls: list = []
gave_up: list = []
plan: list = []  # what each attempt does, in order: "ok", "fail", "retry:<s>", "give-up"


def remember_give_up(*args, error: str, **kwargs) -> None:
    gave_up.append((args, kwargs, error))


@background_task(max_attempts=3, backoff=10, on_give_up=remember_give_up)
def flaky(name: str, *, times: int = 1) -> str:
    calls.append((name, times))
    step = plan.pop(0) if plan else "ok"
    if step == "fail":
        raise ConnectionError("provider unreachable")
    if step.startswith("retry:"):
        raise Retry(after=float(step.split(":")[1]), reason="429 Too Many Requests")
    if step == "give-up":
        raise GiveUp("the number is not a mobile phone")
    return f"{name} x{times}"


@background_task
def plain(value: int) -> int:
    calls.append(value)
    return value * 2


@background_task
def write_row(key: str) -> None:
    from jobs.models import TaskFailure

    # Any model will do as a witness that the task ran exactly once: one row per run.
    TaskFailure.objects.create(task="witness", arguments={"key": key}, attempt=1, error="ran")
