"""What the SMS views share: who may see and send, and the client in the employee's scope."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from clients.models import Client

SEND = "communications.send_sms"
PAGE_SIZE = 25


def can_view_sms(employee) -> bool:
    return bool(employee and employee.is_authenticated and employee.has_perm("clients.view"))


def can_send_sms(employee) -> bool:
    return can_view_sms(employee) and employee.has_perm(SEND)


def scoped_client(request: HttpRequest, pk: int, *, send: bool = False) -> Client:
    """The client if the employee may see it (404 otherwise); 403 without the permission."""
    if not can_view_sms(request.user) or (send and not can_send_sms(request.user)):
        raise PermissionDenied
    return get_object_or_404(
        Client.objects.visible_to(request.user).prefetch_related("phones"), pk=pk
    )
