from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "roer.console"
    label = "console"
    verbose_name = "Staff console"
