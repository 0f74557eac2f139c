"""The supervisor's helm under /console/supervisie/roer/: flow modes, holds, rule versions with replay."""

urlpatterns: list = []
