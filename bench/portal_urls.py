"""Roer's URLs and the floor: a bare Django view on the same stack (gunicorn, middleware, no database)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(_request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench-floor/", floor),
    path("", include("roer.conf.urls")),
]
