from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "roer.api"
    label = "api"
    verbose_name = "REST API"
