import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roer.core.csvfiles import RowErrors
from roer.core.models import JournalEvent
from roer.tenancies.constants import PartyRole, PaymentMethod
from roer.tenancies.models import Dwelling, HouseholdMember, Person, Rent, Tenancy, TenancyParty
from roer.tenancies.services.erp_import import tenancies_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADER = (
    "tenancy_reference;dwelling_reference;street;house_number;postcode;city;neighbourhood;start_date;end_date;"
    "monthly_rent;tenant_name;birth_date;email;phone;iban;payment_method;household_size;base_rent;"
    "service_charges;payment_reference;mandate_id;mandate_date;service_subscription;co_tenant_name;"
    "administrator_name;administrator_address"
)
ROW_1 = (
    "HO-1;VHE-1;Lange Nieuwstraat;12a;3512pk;Utrecht;Binnenstad;01-03-2015;;712,40;Jan de Vries;12-05-1960;"
    "jan@example.nl;0612345678;NL91 ABNA 0417 1643 00;direct_debit;3;680,40;32,00;1000123;M-0001;15-02-2015;"
    "ja;Els de Vries;;"
)
ROW_2 = (
    "HO-2;VHE-2;Oudegracht;1;3511 AA;Utrecht;;15-01-2020;;650,00;Piet Jansen;;;;;transfer;1;;;;;;nee;;"
    "Bewind BV;Postbus 1, 3500 AA Utrecht"
)


def write(
    tmp_path: Path, *lines: str, bom: bool = False, encoding: str = "utf-8", name: str = "t.csv"
) -> Path:
    path = tmp_path / name
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_tenancies", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_semicolon_file_with_decimal_commas_dutch_dates_and_a_bom_is_imported(tmp_path):
    out, _ = run(write(tmp_path, HEADER, ROW_1, ROW_2, bom=True), "--json")

    summary = json.loads(out)
    counts = ("ok", "rows_read", "created", "updated", "unchanged", "dwellings_created", "persons_created")
    assert [summary[key] for key in counts] == [True, 2, 2, 0, 0, 2, 3]
    assert len(summary["file_sha256"]) == 64
    tenancy = Tenancy.objects.get(reference="HO-1")
    assert tenancy.dwelling.postcode == "3512 PK"
    assert tenancy.start_date == dt.date(2015, 3, 1)
    assert tenancy.iban == "NL91ABNA0417164300"
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT
    assert (tenancy.mandate_id, tenancy.mandate_date) == ("M-0001", dt.date(2015, 2, 15))
    assert tenancy.service_subscription is True
    assert tenancy.household_size == 3
    assert tenancy.payment_reference == "1000123"
    rent = tenancy.rents.get()
    assert (rent.valid_from, rent.base_rent, rent.service_charges) == (
        dt.date(2015, 3, 1),
        Decimal("680.40"),
        Decimal("32.00"),
    )
    roles = {
        p.role: p.person.name for p in TenancyParty.objects.filter(tenancy=tenancy).select_related("person")
    }
    assert roles == {PartyRole.TENANT: "Jan de Vries", PartyRole.CO_TENANT: "Els de Vries"}
    assert HouseholdMember.objects.filter(tenancy=tenancy).count() == 2
    assert Person.objects.get(name="Jan de Vries").birth_date == dt.date(1960, 5, 12)

    other = Tenancy.objects.get(reference="HO-2")
    assert other.payment_reference is None
    assert other.administrator_name == "Bewind BV"
    assert other.rents.get().base_rent == Decimal("650.00")
    assert other.rents.get().service_charges == Decimal("0.00")


def test_a_comma_file_with_iso_dates_is_imported_and_prints_a_summary(tmp_path):
    header = HEADER.replace(";", ",")
    row = 'HO-9,VHE-9,Kerkstraat,3,1017 GB,Amsterdam,Centrum,2021-07-01,,"812,50",A. Bakker,,,,,transfer,2'
    header = ",".join(header.split(",")[:17])
    out, _ = run(write(tmp_path, header, row))

    assert (
        "1 rows read: 1 tenancies created, 0 updated, 0 unchanged; 1 dwellings and 1 persons created." in out
    )
    assert Tenancy.objects.get(reference="HO-9").rents.get().base_rent == Decimal("812.50")


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported(tmp_path):
    bad_iban = ROW_2.replace(";;;;;transfer", ";;;;NL91ABNA0417164301;transfer")
    not_adding_up = ROW_1.replace("HO-1;", "HO-3;").replace("680,40;32,00", "680,40;30,00")
    bad_postcode = (
        ROW_1.replace("HO-1;", "HO-4;").replace("3512pk", "0123 A").replace(";1000123;", ";1000124;")
    )
    duplicate = ROW_2
    path = write(tmp_path, HEADER, ROW_1, bad_iban, not_adding_up, bad_postcode, duplicate)

    with pytest.raises(RowErrors) as raised:
        tenancies_import(path=path)

    found = {(e.line, e.column) for e in raised.value.errors}
    assert found == {
        (3, "iban"),
        (4, "monthly_rent"),
        (4, "payment_reference"),
        (5, "postcode"),
        (6, "tenancy_reference"),
    }
    assert Tenancy.objects.count() == Dwelling.objects.count() == Person.objects.count() == 0

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="4 bad row"):
        call_command("import_tenancies", str(path), stdout=out, stderr=err)
    assert "line 3, iban: not a valid IBAN" in err.getvalue()
    assert "line 6, tenancy_reference: HO-2 is also on line 3" in err.getvalue()
    assert not JournalEvent.objects.filter(activity="erp_tenancies_imported").exists()


def test_missing_required_columns_are_named_in_one_error(tmp_path):
    header = HEADER.replace("iban;", "").replace("postcode;", "")
    with pytest.raises(CommandError, match="misses required column\\(s\\): postcode, iban"):
        run(write(tmp_path, header, ROW_1))


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, HEADER, ROW_1, ROW_2.replace("Piet Jansen", "Piet Jansén"), encoding="cp1252")
    with pytest.raises(CommandError, match=r"is not UTF-8 \(line 3, byte 0xe9\)"):
        run(path)
    assert Tenancy.objects.count() == 0


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, HEADER, ROW_1, ROW_2)
    tenancies_import(path=path)
    again = tenancies_import(path=path)

    assert (again.created, again.updated, again.unchanged, again.persons_created) == (0, 0, 2, 0)
    assert Tenancy.objects.count() == 2
    assert Person.objects.count() == 3
    assert Rent.objects.count() == 2
    assert JournalEvent.objects.filter(activity="erp_tenancies_imported").count() == 2


def test_a_changed_file_updates_in_place_and_a_new_rent_applies_from_the_import_date(tmp_path):
    tenancies_import(path=write(tmp_path, HEADER, ROW_1, ROW_2))
    changed = (
        ROW_1.replace("712,40", "735,00")
        .replace("680,40", "703,00")
        .replace("jan@example.nl", "jan.devries@example.nl")
    )
    ended = ROW_2.replace("15-01-2020;;", "15-01-2020;31-12-2026;")

    result = tenancies_import(
        path=write(tmp_path, HEADER, changed, ended, name="2.csv"), today=dt.date(2026, 7, 1)
    )

    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    rents = list(Rent.objects.filter(tenancy__reference="HO-1").values_list("valid_from", "base_rent"))
    assert rents == [(dt.date(2015, 3, 1), Decimal("680.40")), (dt.date(2026, 7, 1), Decimal("703.00"))]
    assert Person.objects.get(name="Jan de Vries").email == "jan.devries@example.nl"
    assert Tenancy.objects.get(reference="HO-2").end_date == dt.date(2026, 12, 31)
    member = HouseholdMember.objects.get(tenancy__reference="HO-2")
    assert (member.moved_out, member.end_reason) == (dt.date(2026, 12, 31), "moved_out")


def test_a_payment_reference_of_another_tenancy_is_a_row_error(tmp_path):
    tenancies_import(path=write(tmp_path, HEADER, ROW_1))
    taken = ROW_2.replace(";transfer;1;;;;", ";transfer;1;;;1000123;")
    with pytest.raises(RowErrors) as raised:
        tenancies_import(path=write(tmp_path, HEADER, taken, name="2.csv"))
    assert [(e.line, e.column) for e in raised.value.errors] == [(2, "payment_reference")]
    assert "HO-1" in raised.value.errors[0].message
