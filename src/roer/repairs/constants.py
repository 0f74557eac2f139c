from django.db import models
from django.utils.translation import gettext_lazy as _


class Responsibility(models.TextChoices):
    TENANT = "tenant", _("The tenant (Besluit kleine herstellingen)")
    CORPORATION = "corporation", _("The corporation")
    THIRD_PARTY = "third_party", _("A third party (grid operator, emergency services)")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency: the same day")
    URGENT = "urgent", _("Urgent: within 24 hours")
    NORMAL = "normal", _("Normal: within a number of working days")


class VeraList(models.TextChoices):
    """The VERA code lists an outcome refers to (Soort in Referentiedata.csv)."""

    TRADE = "ONDERHOUDSPECIALISME", _("Trade")
    DEFECT_SOORT = "DEFECTSOORT", _("Kind of defect")
    DEFECT_LOCATIE = "DEFECTLOCATIE", _("Location of the defect")


class EmergencyNumber(models.TextChoices):
    GRID_OPERATOR = "0800-9009", _("The national gas and power fault number (grid operator)")
    EMERGENCY_SERVICES = "112", _("Emergency services: fire, police, ambulance")


# Besluit kleine herstellingen (BWBR0014931), the annex's letters.
CLAUSES = tuple("abcdefghijklmnopqrstuv")
