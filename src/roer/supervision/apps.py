from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "roer.supervision"
    label = "supervision"
    verbose_name = "Process supervision"
