from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("settings/tasks/", views.task_overview, name="overview"),
]
