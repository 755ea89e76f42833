"""Settings: SMS templates (name, text with variables, active, position)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..encoding import MAX_CHARS
from ..models import SmsTemplate
from ..templating import VARIABLES


class SmsTemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=0, max_value=32767, initial=0
    )


def _variables() -> list[tuple[str, object]]:
    return [("{" + name + "}", label) for name, (label, _value) in VARIABLES.items()]


@permission_required("core.settings", raise_exception=True)
@require_GET
def sms_template_list(request: HttpRequest) -> HttpResponse:
    templates = SmsTemplate.objects.order_by("-active", "position", "name", "id")
    return render(
        request, "sms/settings/templates.html", {"templates": templates, "variables": _variables()}
    )


@permission_required("core.settings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def sms_template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(SmsTemplate, pk=pk) if pk else None
    if request.method == "POST":
        form = SmsTemplateForm(request.POST)
        if form.is_valid():
            try:
                services.sms_template_save(
                    actor=request.user, template=template, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Template saved."))
                return redirect("sms:templates")
    elif template is not None:
        form = SmsTemplateForm(
            initial={
                "name": template.name,
                "text": template.text,
                "active": template.active,
                "position": template.position,
            }
        )
    else:
        form = SmsTemplateForm()
    context = {"form": form, "template": template, "variables": _variables()}
    return render(request, "sms/settings/template_form.html", context)


@permission_required("core.settings", raise_exception=True)
@require_POST
def sms_template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(SmsTemplate, pk=pk)
    services.sms_template_delete(actor=request.user, template=template)
    messages.success(request, _("Template deleted."))
    return redirect("sms:templates")
