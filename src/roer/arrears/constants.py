from django.db import models
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    ON_TRACK = "on_track", _("On track: nothing due yet")
    AUTOMATED = "automated", _("Automated letters")
    HUMAN_CONTACT = "human_contact", _("A person makes contact")
    OFFICER_REVIEW = "officer_review", _("A collections officer reviews")
    HELD = "held", _("Held")


class Action(models.TextChoices):
    PERSONAL_MESSAGE = "personal_message", _("Personal message")
    REMINDER = "reminder", _("Reminder")
    FINAL_NOTICE = "final_notice", _("Final notice (14 days)")
    EARLY_WARNING = "early_warning", _("Early-warning signal")
    BAILIFF_PROPOSAL = "bailiff_proposal", _("Bailiff proposal")


class LetterKind(models.TextChoices):
    PERSONAL_MESSAGE = "personal_message", _("Personal message")
    REMINDER = "reminder", _("Reminder")
    FINAL_NOTICE = "final_notice", _("Final notice (14 days)")
    EARLY_WARNING_OFFER = "early_warning_offer", _("Offer to pass data to the municipality")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class RecipientRole(models.TextChoices):
    TENANT = "tenant", _("Tenant")
    CO_TENANT = "co_tenant", _("Co-tenant")
    ADMINISTRATOR = "administrator", _("Financial administrator")


class ArrangementStatus(models.TextChoices):
    """VERA BETALINGSREGELINGSTATUS."""

    REQUESTED = "AAN", _("Requested")
    ACTIVE = "ACT", _("Active")
    CANCELLED = "ANN", _("Cancelled")
    ENDED = "BEE", _("Completed")
    FROZEN = "BEV", _("Frozen")
    REMOVED = "VER", _("Removed")


class ArrangementEndReason(models.TextChoices):
    """VERA BETALINGSREGELINGEINDEREDEN."""

    PAID_OFF = "AFB", _("Paid off")
    UNCOLLECTABLE = "ONI", _("Uncollectable")
    DEBT_RELIEF = "SAN", _("Remaining debt settled")
    NOT_SUITABLE = "VOL", _("The arrangement does not fit")


class BailiffProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed: a collections officer decides")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
