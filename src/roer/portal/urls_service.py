"""Answers and "Bel me terug" under /portal/ (namespace `portal`)."""

urlpatterns: list = []
