"""The contractors' own small area under /aannemer/ (namespace `contractors`)."""

from django.urls import path

from roer.contractors import views

app_name = "contractors"

urlpatterns = [
    path("", views.order_list, name="orders"),
    path("orders/<str:code>/", views.order_detail, name="order"),
    path("orders/<str:code>/photos/<int:photo_id>.jpg", views.order_photo, name="order-photo"),
    path("orders/<str:code>/accept/", views.order_accept, name="order-accept"),
    path("orders/<str:code>/plan/", views.order_plan, name="order-plan"),
    path("orders/<str:code>/confirm/", views.order_confirm, name="order-confirm"),
    path("orders/<str:code>/report/", views.order_report, name="order-report"),
    path("orders/<str:code>/flag/", views.order_flag, name="order-flag"),
]
