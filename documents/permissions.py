"""Who may see and change the catalog.

The catalog is what documents are built from, so whoever may work with documents may read
it: building one needs ``documents.edit``, reading them ``documents.view_all`` or
``documents.view_own``. Changing the catalog is part of ``documents.edit``.
"""

CATALOG_VIEW = ("documents.edit", "documents.view_all", "documents.view_own")
CATALOG_EDIT = "documents.edit"


def can_view_catalog(employee) -> bool:
    return bool(
        employee is not None
        and employee.is_authenticated
        and any(employee.has_perm(code) for code in CATALOG_VIEW)
    )


def can_edit_catalog(employee) -> bool:
    return bool(
        employee is not None and employee.is_authenticated and employee.has_perm(CATALOG_EDIT)
    )


def can_view_all_documents(employee) -> bool:
    return bool(
        employee is not None
        and employee.is_authenticated
        and employee.has_perm("documents.view_all")
    )


def can_view_own_documents(employee) -> bool:
    return bool(
        employee is not None
        and employee.is_authenticated
        and employee.has_perm("documents.view_own")
    )


def can_view_documents(employee) -> bool:
    return can_view_all_documents(employee) or can_view_own_documents(employee)


def can_edit_documents(employee) -> bool:
    return bool(
        employee is not None and employee.is_authenticated and employee.has_perm("documents.edit")
    )


def can_close_documents(employee) -> bool:
    return bool(
        employee is not None and employee.is_authenticated and employee.has_perm("documents.close")
    )


def can_reopen_documents(employee) -> bool:
    return bool(
        employee is not None and employee.is_authenticated and employee.has_perm("documents.reopen")
    )


def can_sell(employee) -> bool:
    """A sale (or a return) charges or credits the balance at once, as closing an order does,
    so it takes "Create and edit documents" and "Close documents"."""
    return can_edit_documents(employee) and can_close_documents(employee)
