from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentBehaviour(models.TextChoices):
    """How a household pays when nothing in its life gets in the way (the simulation's ground truth)."""

    ON_TIME = "on_time", _("Always on time by direct debit")
    PAY_DAY = "pay_day", _("On pay day by transfer")
    LATE = "late", _("Habitually a little late")
    CHAOTIC = "chaotic", _("Chaotic: irregular, partial, missed months")


class LifeEventKind(models.TextChoices):
    """Things that happen to a household and change how it pays from that date on."""

    JOB_LOSS = "job_loss", _("Lost their job")
    ILLNESS = "illness", _("Long illness")
    DIVORCE = "divorce", _("Divorce or separation")
    PARTNER_DIED = "partner_died", _("Partner died")
    PARTNER_TO_CARE_HOME = "partner_to_care_home", _("Partner moved to a care home")
    RENT_BENEFIT_STOPPED = "rent_benefit_stopped", _("Rent benefit stopped")
