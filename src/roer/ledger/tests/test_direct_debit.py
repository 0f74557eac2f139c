import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from roer.ledger.constants import EntryKind, EntrySource, PaymentChannel
from roer.ledger.models import DirectDebitCollection, LedgerEntry
from roer.ledger.services.direct_debit import pain008_schema
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
APRIL = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def charge(tenancy, month=APRIL, amount="700.00"):
    return LedgerEntry.objects.create(
        tenancy=tenancy,
        date=month,
        period=month,
        kind=EntryKind.CHARGE,
        amount=Decimal(amount),
        source=EntrySource.ROER,
    )


def collected(tenancy, day):
    return LedgerEntry.objects.create(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        method=PaymentChannel.DIRECT_DEBIT,
        amount=Decimal("-700.00"),
        source=EntrySource.BANK,
    )


def export(*args: str) -> dict:
    out = StringIO()
    call_command("export_direct_debits", "--month", "2026-04", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_first_and_recurring_collections_go_in_a_valid_pain008(export_dir):
    new_mandate = TenancyFactory(direct_debit=True, reference="HO-NEW", start_date=dt.date(2026, 3, 1))
    old_mandate = TenancyFactory(direct_debit=True, reference="HO-OLD")
    renewed = TenancyFactory(direct_debit=True, reference="HO-RENEWED", mandate_date=dt.date(2026, 3, 20))
    for tenancy in (new_mandate, old_mandate, renewed):
        charge(tenancy)
    collected(old_mandate, dt.date(2026, 3, 2))
    collected(renewed, dt.date(2026, 3, 2))  # under the mandate it replaced: the new one starts FRST
    charge(old_mandate, month=dt.date(2026, 3, 1), amount="650.00")  # last month's: not collected again

    summary = export()

    path = Path(summary["file"])
    assert path == export_dir / "pain008-2026-04.xml"
    assert (summary["count"], summary["total"], summary["first"], summary["recurring"]) == (
        3,
        "2100.00",
        2,
        1,
    )
    assert summary["collection_date"] == "2026-04-01"
    document = etree.parse(str(path))
    assert pain008_schema().validate(document), pain008_schema().error_log
    assert document.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == "ROER-DD-2026-04"
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "2100.00"
    batches = {
        info.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS): (
            info.findtext("p:NbOfTxs", namespaces=NS),
            info.findtext("p:CtrlSum", namespaces=NS),
        )
        for info in document.iterfind(".//p:PmtInf", NS)
    }
    assert batches == {"FRST": ("2", "1400.00"), "RCUR": ("1", "700.00")}
    by_mandate = {
        tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS): info.findtext(
            "p:PmtTpInf/p:SeqTp", namespaces=NS
        )
        for info in document.iterfind(".//p:PmtInf", NS)
        for tx in info.iterfind("p:DrctDbtTxInf", NS)
    }
    assert by_mandate == {
        new_mandate.mandate_id: "FRST",
        old_mandate.mandate_id: "RCUR",
        renewed.mandate_id: "FRST",
    }
    amounts = document.xpath("//p:DrctDbtTxInf/p:InstdAmt/text()", namespaces=NS)
    assert sorted(amounts) == ["700.00", "700.00", "700.00"]


def test_a_re_export_of_a_month_carries_the_same_ids(tmp_path):
    charge(TenancyFactory(direct_debit=True))
    first = etree.parse(export("--output", str(tmp_path / "a.xml"))["file"])
    second = etree.parse(export("--output", str(tmp_path / "b.xml"))["file"])
    ids = "//p:MsgId/text() | //p:PmtInfId/text() | //p:EndToEndId/text()"
    assert first.xpath(ids, namespaces=NS) == second.xpath(ids, namespaces=NS)


def test_who_cannot_be_collected_is_skipped_with_a_reason():
    TenancyFactory(reference="HO-TRANSFER")  # pays by transfer: not in the file at all
    charge(TenancyFactory(direct_debit=True, reference="HO-NOMANDATE", mandate_id=""))
    charge(TenancyFactory(direct_debit=True, reference="HO-BADIBAN", iban="NL91ABNA0417164301"))
    TenancyFactory(direct_debit=True, reference="HO-NOCHARGE")
    deceased = TenancyFactory(direct_debit=True, reference="HO-DECEASED", tenant=None)
    deceased.parties.create(person=PersonFactory(died_on=dt.date(2026, 3, 10)), role="tenant")
    charge(deceased)
    charge(TenancyFactory(direct_debit=True, reference="HO-OK"))

    summary = export("--collection-date", "2026-04-02")

    assert summary["count"] == 1
    assert summary["collection_date"] == "2026-04-02"
    assert {s["tenancy"]: s["reason"] for s in summary["skipped"]} == {
        "HO-NOMANDATE": "no_mandate",
        "HO-BADIBAN": "invalid_iban",
        "HO-NOCHARGE": "no_rent_charge_for_month",
        "HO-DECEASED": "tenant_deceased",
    }


def test_nobody_to_collect_writes_no_file(export_dir):
    out = StringIO()
    call_command("export_direct_debits", "--month", "2026-04", stdout=out)
    assert "Nobody to collect for 2026-04; no file written." in out.getvalue()
    assert not export_dir.exists()


def test_an_exported_first_collection_makes_the_next_month_recurring_before_the_bank_books_it():
    tenancy = TenancyFactory(direct_debit=True, start_date=dt.date(2026, 3, 1))
    march = dt.date(2026, 3, 1)
    charge(tenancy, month=march)
    charge(tenancy)
    out = StringIO()
    call_command("export_direct_debits", "--month", "2026-03", "--json", stdout=out)
    assert json.loads(out.getvalue())["first"] == 1
    april = export()  # no payment booked yet from a bank statement
    assert (april["first"], april["recurring"]) == (0, 1)
    again = export()  # a re-export of April stays what it was
    assert (again["first"], again["recurring"]) == (0, 1)
    assert list(
        DirectDebitCollection.objects.filter(tenancy=tenancy)
        .order_by("month")
        .values_list("sequence", flat=True)
    ) == ["FRST", "RCUR"]
