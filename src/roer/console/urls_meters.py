"""The supervisor's meters and dashboard under /console/supervisie/meters/ (namespace `console`)."""

from django.urls import path

from roer.console import views_alerts, views_fairness, views_meters, views_process

urlpatterns = [
    path("", views_meters.dashboard, name="meters"),
    # the alerts come before a meter's page, whose slug would take "alerts"
    path("alerts/", views_alerts.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", views_alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/assign/", views_alerts.alert_assign, name="alert_assign"),
    path("alerts/<int:alert_id>/acknowledge/", views_alerts.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/resolve/", views_alerts.alert_resolve, name="alert_resolve"),
    # the process map (before `<slug:key>/`, which would take "proces/")
    path("proces/", views_process.process_map, name="process_map"),
    path("proces/variant/<int:index>/", views_process.process_variant, name="process_variant"),
    # fairness (before `<slug:key>/`, which would take "eerlijkheid/")
    path("eerlijkheid/", views_fairness.fairness, name="meters_fairness"),
    path("<slug:key>/", views_meters.meter_detail, name="meter_detail"),
]
