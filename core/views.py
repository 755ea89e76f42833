from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render


def home(request):
    """The start page is the client list: the client is the centre of Oficina."""
    return redirect("clients:list")


SETTINGS_PERMISSIONS = ("accounts.manage", "core.settings")


def settings_index(request):
    """One page that leads to every settings page the employee may change, grouped by area,
    so the top bar carries a single "Settings" link."""
    if not any(request.user.has_perm(code) for code in SETTINGS_PERMISSIONS):
        raise PermissionDenied
    return render(request, "core/settings_index.html")
