"""Version 1 of the REST API, mounted at /api/v1/ (the schema itself is routed in roer.conf.urls)."""

from django.urls import path

from roer.api import orders_views
from roer.api.views import RepairProblemDetailView, RepairProblemListView

app_name = "api"

urlpatterns = [
    path("repair-problems", RepairProblemListView.as_view(), name="repair-problems"),
    # Any id reaches the view, so an unknown one is the API's JSON 404, not the site's HTML page.
    path("repair-problems/<str:problem_id>", RepairProblemDetailView.as_view(), name="repair-problem"),
    # A contractor's work orders (VERA onderhoudsorders), by the contractor's own token.
    path("onderhoudsorders", orders_views.OrderListView.as_view(), name="orders"),
    path("onderhoudsorders/<str:code>", orders_views.OrderDetailView.as_view(), name="order"),
    path(
        "onderhoudsorders/<str:code>/accepteren", orders_views.OrderAcceptView.as_view(), name="order-accept"
    ),
    path("onderhoudsorders/<str:code>/tijdvakken", orders_views.OrderSlotsView.as_view(), name="order-slots"),
    path(
        "onderhoudsorders/<str:code>/afspraken",
        orders_views.OrderAppointmentView.as_view(),
        name="order-appointments",
    ),
    path(
        "onderhoudsorders/<str:code>/afspraken/bevestigen",
        orders_views.OrderAppointmentConfirmView.as_view(),
        name="order-appointment-confirm",
    ),
    path(
        "onderhoudsorders/<str:code>/gereedmelding",
        orders_views.OrderReportView.as_view(),
        name="order-report",
    ),
    path("onderhoudsorders/<str:code>/signalering", orders_views.OrderFlagView.as_view(), name="order-flag"),
]
