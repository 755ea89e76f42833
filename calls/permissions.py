"""Who may see calls and hear their recordings.

Seeing calls (the Calls section, the calls page, the API): "View clients" — calls are part
of the client record. Playing and downloading a recording also takes "Listen to and download
call recordings".
"""

VIEW = "clients.view"
RECORDINGS = "communications.recordings"


def _has(employee, code: str) -> bool:
    return bool(
        employee is not None
        and employee.is_authenticated
        and employee.is_active
        and employee.has_perm(code)
    )


def can_view_calls(employee) -> bool:
    return _has(employee, VIEW)


def can_hear_recordings(employee) -> bool:
    return can_view_calls(employee) and _has(employee, RECORDINGS)
