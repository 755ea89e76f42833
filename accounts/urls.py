from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/employees/", views.employee_list, name="employee_list"),
    path("settings/employees/new/", views.employee_edit, name="employee_create"),
    path("settings/employees/<int:pk>/", views.employee_edit, name="employee_edit"),
    path("settings/roles/", views.role_list, name="role_list"),
    path("settings/roles/new/", views.role_edit, name="role_create"),
    path("settings/roles/<int:pk>/", views.role_edit, name="role_edit"),
]
