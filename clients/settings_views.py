"""Settings lists the client form uses: marketing sources and custom fields."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, ListView, UpdateView

from .forms import AdCampaignForm, CustomFieldForm
from .models import AdCampaign, CustomField


class SettingsMixin(PermissionRequiredMixin):
    permission_required = "core.settings"
    raise_exception = True


class SettingsFormMixin(SettingsMixin):
    template_name = "clients/settings/form.html"
    saved_message = _("Saved.")

    def form_valid(self, form):
        messages.success(self.request, self.saved_message)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["back_url"] = self.success_url
        return context


class AdCampaignListView(SettingsMixin, ListView):
    model = AdCampaign
    template_name = "clients/settings/adcampaign_list.html"
    paginate_by = 50


class AdCampaignCreateView(SettingsFormMixin, CreateView):
    model = AdCampaign
    form_class = AdCampaignForm
    success_url = reverse_lazy("clients:adcampaign_list")
    title = _("New marketing source")


class AdCampaignUpdateView(SettingsFormMixin, UpdateView):
    model = AdCampaign
    form_class = AdCampaignForm
    success_url = reverse_lazy("clients:adcampaign_list")
    title = _("Edit marketing source")


class CustomFieldListView(SettingsMixin, ListView):
    model = CustomField
    template_name = "clients/settings/customfield_list.html"
    paginate_by = 50


class CustomFieldCreateView(SettingsFormMixin, CreateView):
    model = CustomField
    form_class = CustomFieldForm
    success_url = reverse_lazy("clients:customfield_list")
    title = _("New custom field")


class CustomFieldUpdateView(SettingsFormMixin, UpdateView):
    model = CustomField
    form_class = CustomFieldForm
    success_url = reverse_lazy("clients:customfield_list")
    title = _("Edit custom field")
