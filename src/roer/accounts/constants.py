from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md; each is a Django group of the same name."""

    TENANT = "tenant", _("Tenant")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    SOCIAL_MANAGER = "social_manager", _("Social manager")
    COLLECTIONS_OFFICER = "collections_officer", _("Collections officer")
    PROCESS_SUPERVISOR = "process_supervisor", _("Process supervisor")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    CONTRACTOR = "contractor", _("Contractor")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(
    {
        Role.CUSTOMER_SERVICE,
        Role.SOCIAL_MANAGER,
        Role.COLLECTIONS_OFFICER,
        Role.PROCESS_SUPERVISOR,
        Role.FINANCE_OFFICER,
        Role.ADMINISTRATOR,
    }
)
