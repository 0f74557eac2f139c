from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    PAYMENT = "payment", _("Payment")
    RETURN = "return", _("Returned direct debit")
    COST = "cost", _("Collection costs")
    ADJUSTMENT = "adjustment", _("Adjustment")


class EntrySource(models.TextChoices):
    ROER = "roer", _("Booked by Roer")
    ERP = "erp", _("Imported from the ERP")
    BANK = "bank", _("From a bank statement")


class PaymentChannel(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    TRANSFER = "transfer", _("Transfer")
    IDEAL = "ideal", _("iDEAL")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class StatementFormat(models.TextChoices):
    CAMT053 = "camt.053", "camt.053"
    CAMT054 = "camt.054", "camt.054"
    MT940 = "mt940", "MT940"


class BankEntryStatus(models.TextChoices):
    MATCHED = "matched", _("Matched to a tenancy")
    UNMATCHED = "unmatched", _("Waiting for a person")
    RETURN = "return", _("Returned direct debit")
    OUTGOING = "outgoing", _("Outgoing (not rent)")
    FOREIGN_CURRENCY = "foreign_currency", _("Other currency (not matched)")
    MARKED_FOR_RETURN = "marked_for_return", _("To be paid back")


class BankEntryFlag(models.TextChoices):
    INVALID_IBAN = "invalid_iban", _("The counterparty IBAN fails its check")
    FOREIGN_CURRENCY = "foreign_currency", _("Not in euros")
    RETURN_UNMATCHED = "return_unmatched", _("A return that matched no tenancy")
    BATCH = "batch", _("Several payments booked as one entry")
    AMBIGUOUS = "ambiguous", _("Fits more than one tenancy")


class ReturnReason(models.TextChoices):
    """SEPA R-transaction reason codes that matter to a humane system (DOMAIN.md)."""

    AM04 = "AM04", _("Insufficient funds")
    MD06 = "MD06", _("Refund requested by the debtor")
    MS02 = "MS02", _("Refused by the debtor")
    MD07 = "MD07", _("Debtor deceased")
    AC04 = "AC04", _("Account closed")
    AC06 = "AC06", _("Account blocked")
    AC01 = "AC01", _("Wrong account number")
    MD01 = "MD01", _("No valid mandate")
    MS03 = "MS03", _("Reason not given")
    SL01 = "SL01", _("Service of the debtor's bank")
