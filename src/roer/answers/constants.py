"""Choices of the answers app: answer topics, callback topics, parts of the day and callback statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY = "answers"

# The longest id stored for a problem or an answer (the wizard's problem ids go up to 60 characters).
ID_MAX = 60
# An answer id is a journal subject id too, which holds at most 40 characters.
ANSWER_ID_MAX = 40
NOTE_MAX = 500
OUTCOME_MAX = 2000
COMMENT_MAX = 1000
PHONE_MAX = 40


class AnswerTopic(models.TextChoices):
    """What an answer is about; the rule document gives each its Dutch label and order."""

    REPAIR = "repair", _("Repairs")
    RENT_ACCOUNT = "rent_account", _("Rent and paying")
    ARRANGEMENT = "arrangement", _("Payment arrangements and arrears")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    HOUSING_ALLOWANCE = "housing_allowance", _("Rent benefit")
    MOVING = "moving", _("Moving")
    LIVING = "living", _("Living in your home")
    NUISANCE = "nuisance", _("Nuisance")
    CONTACT = "contact", _("Contact and the portal")
    OTHER = "other", _("Other")


class CallbackTopic(models.TextChoices):
    """What a tenant wants to talk about; the values are those of `casework.ContactTopic`."""

    REPAIR = "repair", _("A repair")
    RENT_ACCOUNT = "rent_account", _("My rent account")
    ARRANGEMENT = "arrangement", _("A payment arrangement")
    ANSWER = "answer", _("A question the answers did not solve")
    OTHER = "other", _("Something else")


class CallbackPart(models.TextChoices):
    """The part of the day a tenant prefers to be called (VERA DAGDEEL codes where VERA has them)."""

    MORNING = "OCH", _("Morning (9:00–12:00)")
    AFTERNOON = "MID", _("Afternoon (12:00–17:00)")
    EVENING = "AVO", _("Evening (17:00–20:00)")


# When each part begins and ends (local time, whole hours).
PART_HOURS: dict[str, tuple[int, int]] = {
    CallbackPart.MORNING: (9, 12),
    CallbackPart.AFTERNOON: (12, 17),
    CallbackPart.EVENING: (17, 20),
}


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CALLED = "called", _("Called")
    NO_ANSWER = "no_answer", _("No answer: try again")
    CLOSED = "closed", _("Closed without a call")


# Still in the customer-service queue: never called, or called without an answer.
WAITING_STATUSES = frozenset({CallbackStatus.OPEN, CallbackStatus.NO_ANSWER})
# What a person may mark a waiting callback as.
HANDLED_STATUSES = (CallbackStatus.CALLED, CallbackStatus.NO_ANSWER, CallbackStatus.CLOSED)

# The answer topics each contact topic of casework stands for: the channel-switch meter compares a phone
# contact's topic with the portal visits before it.
CONTACT_TOPIC_OF: dict[str, str] = {
    AnswerTopic.REPAIR: "repair",
    AnswerTopic.RENT_ACCOUNT: "rent_account",
    AnswerTopic.DIRECT_DEBIT: "rent_account",
    AnswerTopic.HOUSING_ALLOWANCE: "rent_account",
    AnswerTopic.ARRANGEMENT: "arrangement",
    AnswerTopic.MOVING: "answer",
    AnswerTopic.LIVING: "answer",
    AnswerTopic.NUISANCE: "answer",
    AnswerTopic.CONTACT: "answer",
    AnswerTopic.OTHER: "answer",
}

# The subject kind of an answer in the journal (an answer is a part of a rule document, not a row).
ANSWER_SUBJECT_KIND = "answers.answer"
