from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    TRANSFER = "transfer", _("Transfer")


class PartyRole(models.TextChoices):
    TENANT = "tenant", _("Main tenant")
    CO_TENANT = "co_tenant", _("Co-tenant")


class MembershipEnd(models.TextChoices):
    MOVED_OUT = "moved_out", _("Moved out")
    CARE_HOME = "care_home", _("Moved to a care home")
    DIVORCE = "divorce", _("Separated")
    DECEASED = "deceased", _("Died")


class DebtMeasureKind(models.TextChoices):
    """Statutory measures during which collection stops (DOMAIN.md)."""

    WSNP = "wsnp", _("Statutory debt scheme (WSNP)")
    COOLING_OFF = "cooling_off", _("Court cooling-off period (art. 287b Fw)")
