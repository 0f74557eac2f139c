import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roer.core.models import JournalEvent
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.ledger.services.erp import ledger_import
from roer.tenancies.tests.factories import TenancyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADER = "tenancy_reference;date;kind;amount;method;reference;return_reason;entry_id"


def write(tmp_path: Path, *lines: str, name: str = "ledger.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode())
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_ledger", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def tenancy():
    return TenancyFactory(reference="HO-1")


def test_amounts_get_the_sign_of_their_kind_and_charges_their_period(tmp_path, tenancy):
    path = write(
        tmp_path,
        HEADER,
        "HO-1;01-03-2026;charge;712,40;;huur maart;;E1",
        "HO-1;02-03-2026;payment;712,40;incasso;;;E2",
        "HO-1;06-03-2026;return;712,40;direct_debit;;am04;E3",
        "HO-1;20-03-2026;cost;40,00;;;;E4",
        "HO-1;21-03-2026;adjustment;-12,50;;correctie;;E5",
        bom=True,
    )
    summary = json.loads(run(path, "--json"))

    assert [summary[k] for k in ("rows_read", "created", "updated", "unchanged")] == [5, 5, 0, 0]
    entries = {e.external_id: e for e in LedgerEntry.objects.all()}
    assert {k: e.amount for k, e in entries.items()} == {
        "E1": Decimal("712.40"),
        "E2": Decimal("-712.40"),
        "E3": Decimal("712.40"),
        "E4": Decimal("40.00"),
        "E5": Decimal("-12.50"),
    }
    assert entries["E1"].period == dt.date(2026, 3, 1)
    assert entries["E2"].period is None
    assert entries["E2"].method == "direct_debit"
    assert entries["E3"].return_reason == "AM04"
    assert {e.source for e in entries.values()} == {EntrySource.ERP}
    assert JournalEvent.objects.filter(activity="erp_ledger_imported").count() == 1


def test_reimporting_updates_by_entry_id_and_never_duplicates(tmp_path, tenancy):
    run(
        write(tmp_path, HEADER, "HO-1;2026-03-01;charge;700.00;;;;E1", "HO-1;2026-03-02;payment;700.00;;;;E2")
    )
    out = run(
        write(
            tmp_path,
            HEADER,
            "HO-1;2026-03-01;charge;712.40;;;;E1",
            "HO-1;2026-03-02;payment;700.00;;;;E2",
            "HO-1;2026-04-01;charge;712.40;;;;E3",
            name="2.csv",
        )
    )

    assert "3 rows read: 1 entries created, 1 updated, 1 unchanged." in out
    assert LedgerEntry.objects.count() == 3
    assert LedgerEntry.objects.get(external_id="E1").amount == Decimal("712.40")


def test_rows_without_entry_id_are_keyed_by_their_content_and_equal_rows_stay_apart(tmp_path, tenancy):
    lines = [
        "tenancy_reference,date,kind,amount,method,reference,return_reason",
        "HO-1,2026-03-03,payment,50.00,transfer,,",
        "HO-1,2026-03-03,payment,50.00,transfer,,",
        "HO-1,2026-03-04,charge,10.00,,water,",
    ]
    first = ledger_import(path=write(tmp_path, *lines))
    again = ledger_import(
        path=write(tmp_path, *lines, "HO-1,2026-03-03,payment,50.00,transfer,,", name="2.csv")
    )

    assert first.created == 3
    assert (again.created, again.updated, again.unchanged) == (1, 0, 3)
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 3


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path, tenancy):
    path = write(
        tmp_path,
        HEADER,
        "HO-1;2026-03-01;charge;712.40;;;;E1",
        "HO-404;2026-03-01;charge;712.40;;;;E2",
        "HO-1;31-02-2026;payment;-5;;;;E3",
        "HO-1;2026-03-05;refund;5;cheque;;XX;E1",
    )
    out = StringIO()
    with pytest.raises(CommandError, match="3 bad row"):
        call_command("import_ledger", str(path), "--json", stdout=out, stderr=StringIO())

    errors = {(e["line"], e["column"]) for e in json.loads(out.getvalue())["errors"]}
    assert errors == {
        (3, "tenancy_reference"),
        (4, "date"),
        (4, "amount"),
        (5, "kind"),
        (5, "method"),
        (5, "return_reason"),
        (5, "entry_id"),
    }
    assert LedgerEntry.objects.count() == 0


def test_missing_columns_are_named(tmp_path, tenancy):
    with pytest.raises(CommandError, match="misses required column\\(s\\): method, return_reason"):
        run(write(tmp_path, "tenancy_reference;date;kind;amount;reference", "HO-1;2026-03-01;charge;1;x"))
