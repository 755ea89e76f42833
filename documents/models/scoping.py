"""Which documents an employee may see, decided once for every page, tab and API view."""

from django.db import models

from ..permissions import can_view_all_documents, can_view_own_documents


class DocumentQuerySet(models.QuerySet):
    """Documents with a ``visible_to(employee)`` scope.

    "View all documents" sees everything; "View only my documents" sees the documents the
    employee is responsible for (``own_fields``: the assignee or manager of an order, the
    manager of an estimate or sale); anybody else sees none. Outside the scope is 404.
    """

    own_fields: tuple[str, ...] = ("manager",)

    def visible_to(self, employee) -> "DocumentQuerySet":
        if can_view_all_documents(employee):
            return self
        if can_view_own_documents(employee):
            condition = models.Q()
            for field in self.own_fields:
                condition |= models.Q(**{field: employee})
            return self.filter(condition)
        return self.none()


class OrderQuerySet(DocumentQuerySet):
    own_fields = ("assignee", "manager")
