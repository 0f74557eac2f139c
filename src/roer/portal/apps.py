from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "roer.portal"
    label = "portal"
    verbose_name = "Tenant portal"
