"""Feedback on answers, searches nobody's answer matched, and tenants' "Bel me terug" requests.

Answers themselves are rule data (`answers.rules`), referred to by their stable id. Free text (a comment,
a note, a phone number, what someone searched for) lives on these rows, never in the journal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.answers.constants import (
    ID_MAX,
    PHONE_MAX,
    CallbackPart,
    CallbackStatus,
    CallbackTopic,
)


class AnswerFeedback(models.Model):
    """ "Did this help?" — yes or no, on one answer as one rule version worded it."""

    answer_id = models.CharField(max_length=ID_MAX)
    rule_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    helped = models.BooleanField()
    tenancy = models.ForeignKey(
        "tenancies.Tenancy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True, help_text=_("Optional, in the visitor's own words."))
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text=_("From the form: a double-submitted form counts once.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["answer_id", "created_at"], name="answers_feedback_answer")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.answer_id}: {'helped' if self.helped else 'did not help'}"


class UnansweredSearch(models.Model):
    """What someone searched for when no answer matched: unmet demand, with no link to who it was."""

    text = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "unanswered searches"

    def __str__(self) -> str:
        return self.normalised


class CallbackRequest(models.Model):
    """A tenant asks customer service to call them back (Klantinteracties: an internal task)."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="callbacks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=PHONE_MAX)
    preferred_day = models.DateField()
    preferred_part = models.CharField(max_length=3, choices=CallbackPart.choices)
    topic = models.CharField(max_length=20, choices=CallbackTopic.choices)
    problem_id = models.CharField(max_length=ID_MAX, blank=True, help_text=_("The repair wizard's problem."))
    answer_id = models.CharField(max_length=ID_MAX, blank=True, help_text=_("The answer that did not help."))
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.OPEN)
    attempts = models.PositiveSmallIntegerField(default=0)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    rule_version = models.ForeignKey(
        "core.RuleVersion",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The answers version in force: it set the days and parts offered."),
    )
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text=_("From the form: a double-submitted form makes one request.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["preferred_day", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "preferred_day", "created_at"], name="answers_callback_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic=CallbackTopic.REPAIR) | Q(problem_id=""),
                name="answers_callback_problem_only_for_repairs",
            ),
            models.CheckConstraint(
                condition=Q(topic=CallbackTopic.ANSWER) | Q(answer_id=""),
                name="answers_callback_answer_only_for_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"callback #{self.pk} ({self.status})"
