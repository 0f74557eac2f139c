from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "roer.demo"
    label = "demo"
    verbose_name = "Simulated corporation"
