"""The tenant portal under /portal/: the repair wizard and requests, and the rent account."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    path("reparatie/", include("roer.portal.urls_repairs")),
    path("huur/", include("roer.portal.urls_account")),
    path("mijn-gegevens/", include("roer.portal.urls_privacy")),
    path("", include("roer.portal.urls_service")),
]
