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
