from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.phones import normalize_phone

from .models import Employee, Role
from .permissions import PERMISSIONS


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Login or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class EmployeeForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Employee
        fields = ["full_name", "login", "email", "phone", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
        else:
            self.fields["password"].required = True

    def clean_login(self):
        login = self.cleaned_data["login"].strip()
        clash = Employee.objects.filter(login__iexact=login).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another employee already uses this login."))
        return login

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = Employee.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another employee already uses this email."))
        return email

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        return normalize_phone(phone) if phone else ""

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(p.code, p.label) for p in PERMISSIONS],
    )

    def __init__(self, *args, role: Role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        if role.system_code:
            self.fields["name"].disabled = True
            self.fields["name"].required = False

    def clean_name(self):
        name = " ".join(self.cleaned_data.get("name", "").split())
        if self.role.system_code:
            return self.role.name
        if Role.objects.filter(name__iexact=name).exclude(pk=self.role.pk).exists():
            raise forms.ValidationError(_("A role with this name already exists."))
        return name
