"""The supervisor's review queue under /console/supervisie/beoordelen/ (namespace `console`)."""

from django.urls import path

from roer.console import views_review

urlpatterns = [
    path("", views_review.review_queue, name="review_queue"),
    path("<int:item_id>/", views_review.review_item, name="review_item"),
]
