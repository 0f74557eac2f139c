"""The supervisor's helm under /console/supervisie/roer/: flow modes, holds, rule versions with replay."""

from django.urls import path

from roer.console import views_helm

urlpatterns = [
    path("", views_helm.flows, name="helm_flows"),
    path("stromen/<str:flow>/", views_helm.flow_switch, name="helm_flow_switch"),
    path("vasthouden/", views_helm.holds, name="helm_holds"),
    path("vasthouden/<int:hold_id>/loslaten/", views_helm.hold_release, name="helm_hold_release"),
    path("regels/", views_helm.rule_sets, name="helm_rule_sets"),
    path("regels/<slug:key>/", views_helm.rule_set, name="helm_rule_set"),
    path("regels/<slug:key>/terugdraaien/", views_helm.rule_set_roll_back, name="helm_roll_back"),
    path("regels/<slug:key>/<int:number>/", views_helm.rule_version, name="helm_rule_version"),
    path("regels/<slug:key>/<int:number>/naspelen/", views_helm.rule_version_replay, name="helm_replay"),
    path("regels/<slug:key>/<int:number>/publiceren/", views_helm.rule_version_publish, name="helm_publish"),
]
