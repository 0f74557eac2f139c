"""What the collections run keeps: runs, arrears episodes, letters, arrangements, early warning, bailiff
proposals. Names, addresses and free text stay here, never in the journal."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from roer.arrears.constants import (
    Action,
    ArrangementEndReason,
    ArrangementStatus,
    BailiffProposalStatus,
    LetterKind,
    RecipientRole,
    Route,
    RunStatus,
)
from roer.core.constants import Channel


class CollectionRun(models.Model):
    """One nightly run for one date. The unique date makes a second run for the same date a no-op."""

    run_date = models.DateField(unique=True)
    policy_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    letters_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"collections {self.run_date}"


class Episode(models.Model):
    """One arrears episode of a tenancy, from the first unpaid day until it is paid up: what was sent,
    approved and charged in it, so that no step is repeated."""

    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.PROTECT, related_name="arrears_episodes"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    personal_message_sent_on = models.DateField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    contact_attempted_on = models.DateField(null=True, blank=True)
    debt_help_pointed_on = models.DateField(null=True, blank=True)
    early_warning_offered_on = models.DateField(null=True, blank=True)
    early_warning_sent_on = models.DateField(null=True, blank=True)
    final_notice_approved_on = models.DateField(null=True, blank=True)
    final_notice_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_notice_sent_on = models.DateField(null=True, blank=True)
    final_notice_deadline = models.DateField(null=True, blank=True)
    final_notice_principal = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    final_notice_costs = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    costs_charged_on = models.DateField(null=True, blank=True)
    costs_waived_on = models.DateField(null=True, blank=True)
    costs_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy"], condition=Q(closed_on__isnull=True), name="one_open_episode_per_tenancy"
            )
        ]

    def __str__(self) -> str:
        return f"episode {self.tenancy_id} from {self.opened_on}"

    @property
    def early_warning_steps_done(self) -> bool:
        """The corporation's legal part (Besluit gemeentelijke schuldhulpverlening art. 2 a-c): contact
        attempted, debt help pointed out, a written reminder with the offer to pass the data on. This is
        the precondition for a bailiff proposal; the tenant's objection (per tenancy, see
        `EarlyWarningObjection`) stops only the signal to the municipality."""
        return (
            self.contact_attempted_on is not None
            and self.debt_help_pointed_on is not None
            and self.early_warning_offered_on is not None
        )

    @property
    def early_warning_objected_on(self) -> dt.date | None:
        """The day of the tenant's objection that stands today, read from `EarlyWarningObjection` (the one
        place objections are kept; one query). For pages; the run and the export read objections in bulk."""
        from django.utils import timezone

        today = timezone.localdate()
        objection = (
            EarlyWarningObjection.objects.filter(tenancy_id=self.tenancy_id, objected_on__lte=today)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
            .order_by("objected_on", "id")
            .first()
        )
        return objection.objected_on if objection is not None else None


class RunDecision(models.Model):
    """The run's decision for one tenancy in arrears on one date; `decision` is the helm's record."""

    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="decisions")
    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.OneToOneField("core.Decision", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=16, choices=Route.choices)
    action = models.CharField(max_length=20, choices=Action.choices, blank=True)
    reasons = models.JSONField(default=list)
    arrears = models.DecimalField(max_digits=12, decimal_places=2)
    months = models.DecimalField(max_digits=6, decimal_places=2)
    days_overdue = models.PositiveIntegerField()
    priority = models.PositiveSmallIntegerField()
    costs = models.DecimalField(default=0, max_digits=12, decimal_places=2)
    proposed_action = models.CharField(
        max_length=20,
        choices=Action.choices,
        blank=True,
        help_text="In assist mode: the step the autopilot proposes and a person approves; not taken.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "tenancy"], name="one_decision_per_run")]


class PrintBatch(models.Model):
    """The day's letters to be posted, in one PDF: the proof of sending."""

    batch_date = models.DateField(unique=True)
    pdf = models.FileField(upload_to="letters/batches/")
    created_at = models.DateTimeField(auto_now_add=True)


def letter_pdf_path(letter: Letter, filename: str) -> str:
    return f"letters/{letter.letter_date:%Y/%m}/{filename}"


class Letter(models.Model):
    """A letter as sent, with its PDF: the register of DOMAIN.md (date, channel, address, the PDF)."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="letters")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    letter_date = models.DateField()
    channel = models.CharField(max_length=3, choices=[(Channel.LETTER, "BRI"), (Channel.EMAIL, "EMA")])
    recipient_role = models.CharField(max_length=14, choices=RecipientRole.choices)
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField()
    recipient_email = models.EmailField(blank=True)
    rule_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")
    arrears = models.DecimalField(max_digits=12, decimal_places=2)
    costs = models.DecimalField(default=0, max_digits=12, decimal_places=2)
    deadline = models.DateField(null=True, blank=True)
    pdf = models.FileField(upload_to=letter_pdf_path)
    html = models.TextField(
        blank=True, help_text="The letter as rendered (escaped HTML); print batches reuse it."
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    print_batch = models.ForeignKey(
        PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenancy", "letter_date"], name="letter_tenancy_date")]

    def __str__(self) -> str:
        return f"{self.kind} {self.letter_date} to {self.recipient_role}"


class Arrangement(models.Model):
    """A payment arrangement (VERA betalingsregeling)."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="arrangements")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements"
    )
    status = models.CharField(
        max_length=3, choices=ArrangementStatus.choices, default=ArrangementStatus.REQUESTED
    )
    end_reason = models.CharField(max_length=3, choices=ArrangementEndReason.choices, blank=True)
    amount = models.DecimalField(
        help_text="bedrag: the debt the arrangement covers", max_digits=12, decimal_places=2
    )
    start_date = models.DateField()
    self_service = models.BooleanField(default=False, help_text="Arranged by the tenant within the policy.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"arrangement {self.pk} ({self.status})"


class Instalment(models.Model):
    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(default=0, max_digits=12, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)
    missed_signalled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["arrangement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "number"], name="instalment_number_once")
        ]


class EarlyWarningSignal(models.Model):
    """A signal passed to the municipality (vroegsignalering); the export reads these."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="early_warnings")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="early_warnings")
    reported_on = models.DateField()
    arrears_amount = models.DecimalField(max_digits=12, decimal_places=2)
    arrears_since = models.DateField()
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode"], name="one_signal_per_episode")]


class BailiffProposal(models.Model):
    """Roer only proposes; a collections officer approves or rejects, with a reason."""

    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.PROTECT, related_name="bailiff_proposals"
    )
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="bailiff_proposals")
    proposed_on = models.DateField()
    arrears = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=BailiffProposalStatus.choices, default=BailiffProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode"], name="one_bailiff_proposal_per_episode")]


class EarlyWarningObjection(models.Model):
    """The tenant objects to their data going to the municipality: no early-warning signal while it stands."""

    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.PROTECT, related_name="early_warning_objections"
    )
    objected_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty only for objections kept on an arrears episode before objections were per tenancy.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["tenancy", "objected_on"], name="objection_tenancy")]

    def stands_on(self, day: dt.date) -> bool:
        return self.objected_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)
