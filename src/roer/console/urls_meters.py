"""The supervisor's meters and dashboard under /console/supervisie/meters/ (namespace `console`)."""

from django.urls import path

from roer.console import views_meters

urlpatterns = [
    path("", views_meters.dashboard, name="meters"),
    path("<slug:key>/", views_meters.meter_detail, name="meter_detail"),
]
