from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "roer.contractors"
    label = "contractors"
    verbose_name = "Contractors' area"
