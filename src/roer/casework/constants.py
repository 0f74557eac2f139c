from django.db import models
from django.utils.translation import gettext_lazy as _

from roer.core.constants import Channel

MIN_PRIORITY = 0
MAX_PRIORITY = 100


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    ARRANGEMENT_MADE = "arrangement_made", _("Payment arrangement made")
    PAID = "paid", _("Paid")
    REFERRED_TO_DEBT_HELP = "referred_to_debt_help", _("Referred to debt help")
    NO_CONTACT = "no_contact", _("No contact")
    NOT_NEEDED = "not_needed", _("Not needed")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    """VERA: who started the contact."""

    INCOMING = "INK", _("Incoming")
    OUTGOING = "UIT", _("Outgoing")


class ContactTopic(models.TextChoices):
    ARREARS = "arrears", _("Arrears")
    REPAIR = "repair", _("Repair")
    RENT_ACCOUNT = "rent_account", _("Rent account")
    ARRANGEMENT = "arrangement", _("Payment arrangement")
    ANSWER = "answer", _("Question answered")
    OTHER = "other", _("Other")


class NoteCategory(models.TextChoices):
    GENERAL = "general", _("General")
    HEALTH = "health", _("Health (special-category data)")
    FAMILY = "family", _("Family (sensitive)")


# Health is special-category data (AVG art. 9), family circumstances are sensitive: social managers only,
# and every read of them is journaled.
PROTECTED_NOTE_CATEGORIES = frozenset({NoteCategory.HEALTH, NoteCategory.FAMILY})

# The channels a person can have a contact moment through (VERA COMMUNICATIEKANAAL; INS is an inspection).
CONTACT_CHANNELS = frozenset(
    {
        Channel.PHONE,
        Channel.VISIT,
        Channel.DESK,
        Channel.EMAIL,
        Channel.LETTER,
        Channel.PORTAL,
        Channel.SMS,
        Channel.WHATSAPP,
    }
)


class NoteReadPurpose(models.TextChoices):
    """Why someone opens the notes of a case; journaled with every read of protected notes (never free text)."""

    CASE_WORK = "case_work", _("Working the case")
    CONTACT_PREPARATION = "contact_preparation", _("Preparing a call or visit")
    HANDOVER = "handover", _("Handing the case over")
    REVIEW = "review", _("Reviewing an escalation")


# A hold placed from a case lasts at least a week and at most half a year; longer needs a new decision.
HOLD_MIN_WEEKS = 1
HOLD_MAX_WEEKS = 26
