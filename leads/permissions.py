"""Who may see and change leads.

Seeing: "View all leads" (every lead) or "View only my leads" (the leads the employee
manages). Changing (create, edit, status, lost): "Create and edit leads", on a lead the
employee may see. Converting into an order or estimate also takes "Create and edit
documents".
"""

VIEW_ALL = "leads.view_all"
VIEW_OWN = "leads.view_own"
EDIT = "leads.edit"
CONVERT = (EDIT, "documents.edit")


def _has(employee, code: str) -> bool:
    return bool(
        employee is not None
        and employee.is_authenticated
        and employee.is_active
        and employee.has_perm(code)
    )


def can_view_all_leads(employee) -> bool:
    return _has(employee, VIEW_ALL)


def can_view_own_leads(employee) -> bool:
    return _has(employee, VIEW_OWN)


def can_view_leads(employee) -> bool:
    return can_view_all_leads(employee) or can_view_own_leads(employee)


def can_edit_leads(employee) -> bool:
    return can_view_leads(employee) and _has(employee, EDIT)


def can_convert_leads(employee) -> bool:
    return can_edit_leads(employee) and all(_has(employee, code) for code in CONVERT)
