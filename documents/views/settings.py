"""Settings: the order statuses (name, group, colour, order in lists, active)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import OrderStatus
from ..statuses import StatusError, order_status_save
from .common import add_errors


class OrderStatusForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=64)
    group = forms.ChoiceField(
        label=gettext_lazy("Group"),
        choices=OrderStatus.Group.choices,
        help_text=gettext_lazy(
            "What the status means: a Closed order is settled and read-only, "
            "a Cancelled one is void."
        ),
    )
    color = forms.CharField(
        label=gettext_lazy("Colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=0, max_value=999, initial=0
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


@permission_required("core.settings", raise_exception=True)
def order_status_list(request: HttpRequest) -> HttpResponse:
    statuses = OrderStatus.objects.order_by("-active", "position", "id")
    return render(request, "documents/settings/status_list.html", {"statuses": statuses})


@permission_required("core.settings", raise_exception=True)
def order_status_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    status = get_object_or_404(OrderStatus, pk=pk) if pk else None
    if request.method == "POST":
        form = OrderStatusForm(request.POST)
        if form.is_valid():
            try:
                order_status_save(actor=request.user, status=status, **form.cleaned_data)
            except StatusError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Status saved."))
                return redirect("documents:order_status_list")
    elif status is not None:
        fields = OrderStatusForm.base_fields
        initial = {name: getattr(status, name) for name in fields}
        # A built-in status not renamed is offered in the viewer's language.
        initial["name"] = status.display_name
        form = OrderStatusForm(initial=initial)
    else:
        form = OrderStatusForm(initial={"color": "#6b7280"})
    context = {
        "form": form,
        "title": _("Edit order status") if status else _("New order status"),
        "back_url": reverse("documents:order_status_list"),
    }
    return render(request, "clients/settings/form.html", context)
