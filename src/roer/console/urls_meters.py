"""The supervisor's meters and dashboard under /console/supervisie/meters/ (namespace `console`)."""

urlpatterns: list = []
