"""The tenant's own data (inzage, art. 15 AVG) under /portal/mijn-gegevens/ (namespace `portal`)."""

from django.urls import path

from roer.portal import privacy_views

urlpatterns = [
    path("", privacy_views.personal_data, name="personal_data"),
    path("gegevens.json", privacy_views.personal_data_json, name="personal_data_json"),
    path("gegevens.pdf", privacy_views.personal_data_pdf, name="personal_data_pdf"),
]
