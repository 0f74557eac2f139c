from django.apps import AppConfig


class TenanciesConfig(AppConfig):
    name = "roer.tenancies"
    label = "tenancies"
    verbose_name = "Tenancies"
