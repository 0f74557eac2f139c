from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """VERA COMMUNICATIEKANAAL."""

    PORTAL = "INT", _("Portal")
    PHONE = "TEL", _("Phone")
    DESK = "BAL", _("Desk")
    VISIT = "BEZ", _("Home visit")
    LETTER = "BRI", _("Letter")
    EMAIL = "EMA", _("E-mail")
    SMS = "SMS", _("Text message")
    WHATSAPP = "APP", _("WhatsApp")
    INSPECTION = "INS", _("Inspection")


class ActorKind(models.TextChoices):
    TENANT = "tenant", _("Tenant")
    STAFF = "staff", _("Staff")
    CONTRACTOR = "contractor", _("Contractor")
    SYSTEM = "system", _("System")


class Flow(models.TextChoices):
    """The automated flows a supervisor can switch between auto, assist and manual."""

    REPAIR_INTAKE = "repair_intake", _("Repair intake")
    ANSWERS = "answers", _("Answers")
    DUNNING = "dunning", _("Dunning")
    ARRANGEMENTS = "arrangements", _("Payment arrangements")


class Mode(models.TextChoices):
    AUTO = "auto", _("Autopilot")
    ASSIST = "assist", _("Assist: a person approves each action")
    MANUAL = "manual", _("Manual: every new case goes to a person")


class RuleVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed: gave up after repeated attempts")
