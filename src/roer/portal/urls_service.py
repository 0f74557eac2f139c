"""Answers and "Bel me terug" under /portal/ (namespace `portal`)."""

from django.urls import path

from roer.portal import service_views

urlpatterns = [
    path("antwoorden/", service_views.answers, name="answers"),
    path("antwoorden/<slug:answer_id>/", service_views.answer, name="answer"),
    path("antwoorden/<slug:answer_id>/geholpen/", service_views.answer_feedback, name="answer-feedback"),
    path("bel-me-terug/", service_views.callback, name="callback"),
    path("bel-me-terug/<int:callback_id>/", service_views.callback_detail, name="callback-detail"),
]
