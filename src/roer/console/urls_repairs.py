"""Repair requests in the console under /console/reparaties/: find one, read it, and take it over."""

from django.urls import path

from roer.console import views_repairs

urlpatterns = [
    path("", views_repairs.repair_list, name="repair_list"),
    path("<int:request_id>/", views_repairs.repair_detail, name="repair_detail"),
    path("<int:request_id>/herclassificeren/", views_repairs.repair_reclassify, name="repair_reclassify"),
    path("<int:request_id>/omleiden/", views_repairs.repair_reroute, name="repair_reroute"),
    path("<int:request_id>/vasthouden/", views_repairs.repair_hold, name="repair_hold"),
    path("<int:request_id>/loslaten/", views_repairs.repair_release, name="repair_release"),
    path("<int:request_id>/bericht/", views_repairs.repair_message, name="repair_message"),
]
