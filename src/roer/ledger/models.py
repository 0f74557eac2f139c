"""The rent ledger and the bank entries that feed it.

`LedgerEntry.amount` is the entry's effect on what the tenant owes: charges, costs and returned
debits are positive, payments negative, adjustments carry their own sign. The balance on a date is
the plain sum of amounts up to that date, so one SQL SUM answers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from roer.ledger.constants import BankEntryStatus, EntryKind, EntrySource, PaymentChannel, StatementFormat


class BankStatement(models.Model):
    """One file read by `roer import_statement` (a file read twice is two rows; its entries are booked once)."""

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=10, choices=StatementFormat.choices)
    account_iban = models.CharField(max_length=34, blank=True)
    statement_id = models.CharField(max_length=100, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    entries_read = models.PositiveIntegerField(default=0)


class BankEntry(models.Model):
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="entries")
    dedupe_key = models.CharField(max_length=255, unique=True)
    bank_reference = models.CharField(max_length=140, blank=True)
    account_iban = models.CharField(max_length=34, blank=True)
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Credit positive, debit negative."
    )
    currency = models.CharField(max_length=3, default="EUR")
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    remittance_info = models.TextField(blank=True)
    structured_reference = models.CharField(max_length=35, blank=True)
    end_to_end_id = models.CharField(max_length=35, blank=True)
    mandate_id = models.CharField(max_length=35, blank=True)
    return_reason = models.CharField(max_length=4, blank=True)
    is_reversal = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=BankEntryStatus.choices)
    flags = models.JSONField(default=list, blank=True)
    tenancy = models.ForeignKey(
        "tenancies.Tenancy", null=True, blank=True, on_delete=models.PROTECT, related_name="bank_entries"
    )
    # Set when a finance officer resolves the entry from the unmatched queue; the note stays here,
    # never in the journal.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "booking_date"], name="bank_entry_queue")]
        verbose_name_plural = "bank entries"


class LedgerEntry(models.Model):
    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="ledger_entries")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    period = models.DateField(
        null=True, blank=True, help_text="For rent charges: the first of the month covered."
    )
    method = models.CharField(max_length=14, choices=PaymentChannel.choices, blank=True)
    reference = models.CharField(max_length=140, blank=True)
    return_reason = models.CharField(max_length=4, blank=True)
    source = models.CharField(max_length=6, choices=EntrySource.choices)
    external_id = models.CharField(
        max_length=80, null=True, blank=True, unique=True, help_text="The ERP's key."
    )
    bank_entry = models.OneToOneField(
        BankEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenancy", "date"], name="ledger_tenancy_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy", "period"],
                condition=models.Q(kind=EntryKind.CHARGE, source=EntrySource.ROER),
                name="rent_charged_once_per_month",
            ),
        ]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.amount}"


class DirectDebitCollection(models.Model):
    """A collection put in a pain.008 file; once one exists under a mandate, the next is recurring (RCUR)."""

    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.PROTECT, related_name="direct_debit_collections"
    )
    month = models.DateField(help_text="The first of the month collected.")
    mandate_id = models.CharField(max_length=35)
    sequence = models.CharField(max_length=4, help_text="FRST or RCUR, as exported.")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    message_id = models.CharField(max_length=35)
    collection_date = models.DateField()
    exported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenancy", "month"], name="one_collection_per_month")]
        indexes = [models.Index(fields=["tenancy", "mandate_id"], name="collection_mandate")]
