"""One row of the ERP's tenancy file, read and checked without the database (docs/erp-import.md)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from roer.core.csvfiles import CsvRow, RowError, parse_yes_no
from roer.core.dates import parse_date
from roer.core.money import ZERO, parse_amount
from roer.tenancies.constants import PaymentMethod

REQUIRED_COLUMNS = (
    "tenancy_reference",
    "dwelling_reference",
    "street",
    "house_number",
    "postcode",
    "city",
    "neighbourhood",
    "start_date",
    "end_date",
    "monthly_rent",
    "tenant_name",
    "birth_date",
    "email",
    "phone",
    "iban",
    "payment_method",
    "household_size",
)
OPTIONAL_COLUMNS = (
    "base_rent",
    "service_charges",
    "payment_reference",
    "mandate_id",
    "mandate_date",
    "service_subscription",
    "co_tenant_name",
    "administrator_name",
    "administrator_address",
)
# Columns that must hold a value (the others may be empty in a row).
VALUE_REQUIRED = (
    "tenancy_reference",
    "dwelling_reference",
    "street",
    "house_number",
    "postcode",
    "city",
    "start_date",
    "monthly_rent",
    "tenant_name",
    "payment_method",
    "household_size",
)
MAX_LENGTHS = {
    "tenancy_reference": 40,
    "dwelling_reference": 40,
    "street": 200,
    "house_number": 20,
    "city": 100,
    "neighbourhood": 100,
    "tenant_name": 200,
    "co_tenant_name": 200,
    "phone": 40,
    "email": 254,
    "payment_reference": 35,
    "mandate_id": 35,
    "administrator_name": 200,
    "administrator_address": 300,
}
POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
# The characters the SEPA rulebook allows in a mandate reference.
MANDATE_ID = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")
PAYMENT_METHODS = {
    "direct_debit": PaymentMethod.DIRECT_DEBIT,
    "incasso": PaymentMethod.DIRECT_DEBIT,
    "transfer": PaymentMethod.TRANSFER,
    "overboeking": PaymentMethod.TRANSFER,
}


@dataclass(frozen=True, slots=True)
class DwellingData:
    reference: str
    street: str
    house_number: str
    postcode: str
    city: str
    neighbourhood: str


@dataclass(frozen=True, slots=True)
class TenancyRow:
    line: int
    reference: str
    dwelling: DwellingData
    start_date: dt.date
    end_date: dt.date | None
    base_rent: Decimal
    service_charges: Decimal
    tenant_name: str
    birth_date: dt.date | None
    email: str
    phone: str
    iban: str
    payment_method: str
    household_size: int
    payment_reference: str | None
    mandate_id: str
    mandate_date: dt.date | None
    service_subscription: bool
    co_tenant_name: str
    administrator_name: str
    administrator_address: str

    @property
    def monthly_rent(self) -> Decimal:
        return self.base_rent + self.service_charges


def normalise_postcode(text: str) -> str:
    """Dutch postcodes as PostNL writes them: 1234 AB."""
    match = POSTCODE.match(text.strip())
    if match is None:
        raise ValueError(_("not a Dutch postcode (1234 AB): %(value)r") % {"value": text})
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_iban(text: str) -> str:
    """The compact IBAN; schwifty checks country, length, bank code and the mod-97 digits."""
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as exc:
        raise ValueError(_("not a valid IBAN (%(why)s): %(value)r") % {"why": exc, "value": text}) from None


class _Collector:
    """Gathers every problem in a row, so the ERP's staff can fix a file in one go."""

    def __init__(self, row: CsvRow):
        self.row = row
        self.errors: list[RowError] = []

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(line=self.row.line, column=column, message=message))

    def date(self, column: str) -> dt.date | None:
        text = self.row.get(column)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def amount(self, column: str) -> Decimal | None:
        text = self.row.get(column)
        if not text:
            return None
        try:
            value = parse_amount(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None
        if value < 0:
            self.fail(column, _("must not be negative: %(value)s") % {"value": text})
            return None
        return value


def parse_tenancy_row(row: CsvRow) -> tuple[TenancyRow | None, list[RowError]]:
    """The row as typed values, or every reason it is wrong."""
    check = _Collector(row)
    for column in VALUE_REQUIRED:
        if not row.get(column):
            check.fail(column, _("is required"))
    for column, limit in MAX_LENGTHS.items():
        if len(row.get(column)) > limit:
            check.fail(column, _("longer than %(limit)d characters") % {"limit": limit})

    postcode = ""
    if row.get("postcode"):
        try:
            postcode = normalise_postcode(row.get("postcode"))
        except ValueError as exc:
            check.fail("postcode", str(exc))

    start_date = check.date("start_date")
    end_date = check.date("end_date")
    if start_date and end_date and end_date < start_date:
        check.fail("end_date", _("before start_date"))
    birth_date = check.date("birth_date")
    mandate_date = check.date("mandate_date")

    monthly_rent = check.amount("monthly_rent")
    base_rent, service_charges = check.amount("base_rent"), check.amount("service_charges")
    if monthly_rent is not None:
        if base_rent is None and service_charges is None:
            base_rent, service_charges = monthly_rent, ZERO
        elif base_rent is None and service_charges is not None:
            base_rent = monthly_rent - service_charges
        elif service_charges is None and base_rent is not None:
            service_charges = monthly_rent - base_rent
        if (base_rent is not None and base_rent < 0) or (service_charges is not None and service_charges < 0):
            check.fail("monthly_rent", _("smaller than base_rent or service_charges"))
        elif (
            base_rent is not None
            and service_charges is not None
            and base_rent + service_charges != monthly_rent
        ):
            check.fail(
                "monthly_rent",
                _("base_rent %(base)s + service_charges %(service)s is not monthly_rent %(gross)s")
                % {"base": base_rent, "service": service_charges, "gross": monthly_rent},
            )

    email = row.get("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.fail("email", _("not an e-mail address: %(value)r") % {"value": email})

    iban = ""
    if row.get("iban"):
        try:
            iban = normalise_iban(row.get("iban"))
        except ValueError as exc:
            check.fail("iban", str(exc))

    method_text = row.get("payment_method").lower().replace(" ", "_")
    payment_method = PAYMENT_METHODS.get(method_text)
    if method_text and payment_method is None:
        check.fail(
            "payment_method", _("expected direct_debit or transfer, not %(value)r") % {"value": method_text}
        )

    household_size = 0
    if row.get("household_size"):
        try:
            household_size = int(row.get("household_size"))
        except ValueError:
            household_size = 0
        if not 1 <= household_size <= 99:
            check.fail("household_size", _("expected a whole number from 1 to 99"))

    mandate_id = row.get("mandate_id")
    if mandate_id and not MANDATE_ID.match(mandate_id):
        check.fail("mandate_id", _("holds characters a SEPA mandate reference cannot have"))

    service_subscription = False
    try:
        service_subscription = parse_yes_no(row.get("service_subscription"))
    except ValueError as exc:
        check.fail("service_subscription", str(exc))

    if check.errors:
        return None, check.errors
    assert start_date is not None and base_rent is not None and service_charges is not None
    assert payment_method is not None
    return (
        TenancyRow(
            line=row.line,
            reference=row.get("tenancy_reference"),
            dwelling=DwellingData(
                reference=row.get("dwelling_reference"),
                street=row.get("street"),
                house_number=row.get("house_number"),
                postcode=postcode,
                city=row.get("city"),
                neighbourhood=row.get("neighbourhood"),
            ),
            start_date=start_date,
            end_date=end_date,
            base_rent=base_rent,
            service_charges=service_charges,
            tenant_name=row.get("tenant_name"),
            birth_date=birth_date,
            email=email,
            phone=row.get("phone"),
            iban=iban,
            payment_method=payment_method,
            household_size=household_size,
            payment_reference=row.get("payment_reference") or None,
            mandate_id=mandate_id,
            mandate_date=mandate_date,
            service_subscription=service_subscription,
            co_tenant_name=row.get("co_tenant_name"),
            administrator_name=row.get("administrator_name"),
            administrator_address=row.get("administrator_address"),
        ),
        [],
    )
