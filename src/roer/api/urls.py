"""Version 1 of the REST API, mounted at /api/v1/ (the schema itself is routed in roer.conf.urls)."""

from django.urls import path

from roer.api.views import RepairProblemDetailView, RepairProblemListView

app_name = "api"

urlpatterns = [
    path("repair-problems", RepairProblemListView.as_view(), name="repair-problems"),
    path("repair-problems/<slug:problem_id>", RepairProblemDetailView.as_view(), name="repair-problem"),
]
