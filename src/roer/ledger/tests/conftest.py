"""Fixtures of the ledger's tests: our own small bank files and the tenancies they pay to."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from roer.ledger.constants import PaymentChannel
from roer.ledger.tests.factories import LedgerEntryFactory, TenancyFactory

DATA = Path(__file__).parent / "data"
RENT_DAY = DATA / "rent-day.camt053.xml"
NOTIFICATIONS = DATA / "rent-day.camt054.xml"
RETURNS = DATA / "returns.camt053.xml"


@pytest.fixture
def tenancies():
    """The tenancies the own test files pay to, one per way of matching."""
    by_reference = TenancyFactory(payment_reference="7000000000000101", iban="NL02ABNA0123456789")
    in_text = TenancyFactory(payment_reference="7000000000000202")
    by_iban = TenancyFactory(payment_reference="7000000000000303", iban="NL31 ABNA 1234 5678 90")
    no_bank_reference = TenancyFactory(payment_reference="7000000000000404", iban="NL47ABNA7777777777")
    by_mandate = TenancyFactory(direct_debit=True, mandate_id="MNDT-RET-1", payment_reference=None)
    by_end_to_end = TenancyFactory(direct_debit=True, payment_reference=None)
    LedgerEntryFactory(
        tenancy=by_end_to_end,
        payment=True,
        method=PaymentChannel.DIRECT_DEBIT,
        reference="COLL-2026-02-0002",
        amount=Decimal("-720.00"),
        date=dt.date(2026, 2, 1),
    )
    return {
        "reference": by_reference,
        "text": in_text,
        "iban": by_iban,
        "no_bank_reference": no_bank_reference,
        "mandate": by_mandate,
        "end_to_end": by_end_to_end,
    }
