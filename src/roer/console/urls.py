from django.urls import include, path

from roer.console import views, views_service

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    # the social manager
    path("cases/", views.case_queue, name="case_queue"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/take/", views.case_take, name="case_take"),
    path("cases/<int:case_id>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:case_id>/arrangement/", views.case_arrangement, name="case_arrangement"),
    path("cases/<int:case_id>/waive-costs/", views.case_waive_costs, name="case_waive_costs"),
    path("cases/<int:case_id>/hold/", views.case_hold, name="case_hold"),
    path("cases/<int:case_id>/debt-help/", views.case_debt_help, name="case_debt_help"),
    path("cases/<int:case_id>/objection/", views.case_objection, name="case_objection"),
    path("cases/<int:case_id>/note/", views.case_note, name="case_note"),
    path("cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path(
        "cases/<int:case_id>/letters/<int:letter_id>/stop/", views.case_letter_stop, name="case_letter_stop"
    ),
    # arrangements outside the self-service policy (social managers and collections officers)
    path("arrangements/", views.arrangements, name="arrangements"),
    path(
        "arrangements/<int:arrangement_id>/decide/", views.arrangement_decision, name="arrangement_decision"
    ),
    # the collections officer
    path("collections/", views.collections, name="collections"),
    path(
        "collections/episodes/<int:episode_id>/approve-final-notice/",
        views.final_notice_approve,
        name="final_notice_approve",
    ),
    path(
        "collections/episodes/<int:episode_id>/not-now/",
        views.final_notice_postpone,
        name="final_notice_postpone",
    ),
    path("collections/bailiff/<int:proposal_id>/decide/", views.bailiff_decision, name="bailiff_decision"),
    # the finance officer
    path("finance/unmatched/", views.unmatched, name="unmatched"),
    path("finance/unmatched/<int:entry_id>/", views.unmatched_entry, name="unmatched_entry"),
    path("finance/unmatched/<int:entry_id>/assign/", views.unmatched_assign, name="unmatched_assign"),
    path("finance/unmatched/<int:entry_id>/return/", views.unmatched_return, name="unmatched_return"),
    # customer service: callbacks and contacts
    path("klantenservice/", views_service.service_queue, name="service_queue"),
    path(
        "klantenservice/terugbellen/<int:callback_id>/", views_service.callback_handle, name="callback_handle"
    ),
    path("klantenservice/contact/", views_service.contact_search, name="contact_search"),
    path("klantenservice/contact/<int:tenancy_id>/", views_service.contact_new, name="contact_new"),
    # the process supervisor: meters and the dashboard, the helm and rule versions with replay
    path("supervisie/meters/", include("roer.console.urls_meters")),
    path("supervisie/roer/", include("roer.console.urls_helm")),
    path("supervisie/beoordelen/", include("roer.console.urls_review")),
    path("reparaties/", include("roer.console.urls_repairs")),
]
