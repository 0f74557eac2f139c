"""The contractors' own small area under /aannemer/ (namespace `contractors`)."""

app_name = "contractors"

urlpatterns: list = []
