"""The tenant's repair pages under /portal/reparatie/ (namespace `portal`)."""

from django.urls import path

from roer.portal import repairs_views

urlpatterns = [
    path("", repairs_views.start, name="repairs-start"),
    path("probleem/<slug:problem_id>/", repairs_views.problem, name="repairs-problem"),
    path("verzoeken/", repairs_views.request_list, name="repairs-requests"),
    path("verzoek/<int:request_id>/", repairs_views.request_detail, name="repairs-request"),
    path(
        "verzoek/<int:request_id>/afspraak/<int:order_id>/",
        repairs_views.request_book,
        name="repairs-book",
    ),
    path(
        "verzoek/<int:request_id>/verzetten/<int:order_id>/",
        repairs_views.request_reschedule,
        name="repairs-reschedule",
    ),
    path("verzoek/<int:request_id>/annuleren/", repairs_views.request_cancel, name="repairs-cancel"),
    path("verzoek/<int:request_id>/beoordelen/", repairs_views.request_grade, name="repairs-grade"),
    # From the e-mail after the work is done: no sign-in, the signed token is the permission.
    path("beoordelen/<str:token>/", repairs_views.grade_link, name="repairs-grade-link"),
]
