"""`roer import_tenancies`: the ERP's tenancy file becomes dwellings, persons, tenancies and rent.

Every row is checked before anything is written; one bad row stops the whole file. Writing goes in
batches with the existing rows of a batch read in one query per table, so 100,000 tenancies take
minutes, not hours. Re-importing the same file changes nothing; a changed file updates in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import structlog
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.core import journal
from roer.core.csvfiles import CsvReader, RowError, RowErrors, chunked
from roer.core.dates import local_date
from roer.core.subjects import SubjectRef
from roer.tenancies.constants import MembershipEnd, PartyRole
from roer.tenancies.erp_rows import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    DwellingData,
    TenancyRow,
    parse_tenancy_row,
)
from roer.tenancies.models import Dwelling, HouseholdMember, Person, Rent, Tenancy, TenancyParty

logger = structlog.get_logger(__name__)

BATCH_SIZE = 1000
DWELLING_FIELDS = ["street", "house_number", "postcode", "city", "neighbourhood"]
TENANCY_FIELDS = [
    "dwelling_id",
    "start_date",
    "end_date",
    "payment_method",
    "iban",
    "iban_valid",
    "payment_reference",
    "mandate_id",
    "mandate_date",
    "service_subscription",
    "household_size",
    "administrator_name",
    "administrator_address",
]
PERSON_FIELDS = ["name", "birth_date", "email", "phone"]


@dataclass
class TenancyImportResult:
    file_sha256: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dwellings_created: int = 0
    dwellings_updated: int = 0
    persons_created: int = 0
    rents_created: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Changes:
    """Which tenancy rows created or changed something, for the summary."""

    def __init__(self) -> None:
        self.created: set[str] = set()
        self.touched: set[str] = set()


def _assign(instance: models.Model, values: Mapping[str, Any]) -> bool:
    """Set the values that differ; say whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _validate(reader: CsvReader) -> tuple[list[TenancyRow], list[RowError], int]:
    rows: list[TenancyRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    payment_reference_line: dict[str, int] = {}
    read = 0
    for csv_row in reader.rows():
        read += 1
        parsed, row_errors = parse_tenancy_row(csv_row)
        errors.extend(row_errors)
        reference = csv_row.get("tenancy_reference")
        if reference and reference in first_line_of:
            errors.append(
                RowError(
                    csv_row.line,
                    "tenancy_reference",
                    _("%(reference)s is also on line %(line)d")
                    % {"reference": reference, "line": first_line_of[reference]},
                )
            )
        first_line_of.setdefault(reference, csv_row.line)
        payment_reference = csv_row.get("payment_reference")
        if payment_reference and payment_reference in payment_reference_line:
            errors.append(
                RowError(
                    csv_row.line,
                    "payment_reference",
                    _("also on line %(line)d") % {"line": payment_reference_line[payment_reference]},
                )
            )
        payment_reference_line.setdefault(payment_reference, csv_row.line)
        if parsed is not None:
            rows.append(parsed)
    errors.extend(_payment_reference_clashes(rows))
    return rows, errors, read


def _payment_reference_clashes(rows: Sequence[TenancyRow]) -> list[RowError]:
    """A payment reference that already belongs to a tenancy the file does not mention."""
    in_file = {row.reference for row in rows}
    by_reference: dict[str | None, TenancyRow] = {
        row.payment_reference: row for row in rows if row.payment_reference
    }
    errors = []
    for batch in chunked(list(by_reference), BATCH_SIZE):
        owners = Tenancy.objects.filter(payment_reference__in=batch).values_list(
            "payment_reference", "reference"
        )
        for payment_reference, owner in owners:
            row = by_reference[payment_reference]
            if owner != row.reference and owner not in in_file:
                errors.append(
                    RowError(
                        row.line,
                        "payment_reference",
                        _("already used by tenancy %(owner)s") % {"owner": owner},
                    )
                )
    return errors


def _dwellings_upsert(
    rows: Sequence[TenancyRow], result: TenancyImportResult, changes: _Changes
) -> dict[str, int]:
    # Several tenancies (past and present) share a dwelling; the newest tenancy's row describes it.
    newest: dict[str, TenancyRow] = {}
    for row in rows:
        known = newest.get(row.dwelling.reference)
        if known is None or row.start_date >= known.start_date:
            newest[row.dwelling.reference] = row
    ids: dict[str, int] = {}
    for batch in chunked(list(newest), BATCH_SIZE):
        existing = {d.reference: d for d in Dwelling.objects.select_for_update().filter(reference__in=batch)}
        new, changed = [], []
        for reference in batch:
            row = newest[reference]
            values = _dwelling_values(row.dwelling)
            dwelling = existing.get(reference)
            if dwelling is None:
                new.append(Dwelling(reference=reference, **values))
            elif _assign(dwelling, values):
                changed.append(dwelling)
                changes.touched.add(row.reference)
        Dwelling.objects.bulk_create(new)
        Dwelling.objects.bulk_update(changed, DWELLING_FIELDS)
        result.dwellings_created += len(new)
        result.dwellings_updated += len(changed)
        ids.update(Dwelling.objects.filter(reference__in=batch).values_list("reference", "id"))
    return ids


def _dwelling_values(data: DwellingData) -> dict[str, Any]:
    return {
        "street": data.street,
        "house_number": data.house_number,
        "postcode": data.postcode,
        "city": data.city,
        "neighbourhood": data.neighbourhood,
    }


def _tenancy_values(row: TenancyRow, dwelling_id: int) -> dict[str, Any]:
    return {
        "dwelling_id": dwelling_id,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "payment_method": row.payment_method,
        "iban": row.iban,
        "payment_reference": row.payment_reference,
        "mandate_id": row.mandate_id,
        "mandate_date": row.mandate_date,
        "service_subscription": row.service_subscription,
        "household_size": row.household_size,
        "administrator_name": row.administrator_name,
        "administrator_address": row.administrator_address,
    }


def _tenancies_upsert(
    batch: Sequence[TenancyRow], dwelling_ids: Mapping[str, int], changes: _Changes
) -> dict[str, int]:
    references = [row.reference for row in batch]
    existing = {t.reference: t for t in Tenancy.objects.select_for_update().filter(reference__in=references)}
    new, changed = [], []
    for row in batch:
        values = _tenancy_values(row, dwelling_ids[row.dwelling.reference])
        tenancy = existing.get(row.reference)
        if tenancy is None:
            new.append(Tenancy(reference=row.reference, iban_valid=True, **values))
            changes.created.add(row.reference)
            continue
        if tenancy.iban != row.iban:
            # A new account from the ERP earns a fresh chance; an earlier AC01 return was about the old one.
            values["iban_valid"] = True
        if _assign(tenancy, values):
            changed.append(tenancy)
            changes.touched.add(row.reference)
    Tenancy.objects.bulk_create(new)
    Tenancy.objects.bulk_update(changed, TENANCY_FIELDS)
    return dict(Tenancy.objects.filter(reference__in=references).values_list("reference", "id"))


def _parties_upsert(
    batch: Sequence[TenancyRow],
    tenancy_ids: Mapping[str, int],
    result: TenancyImportResult,
    changes: _Changes,
) -> None:
    main: dict[int, Person] = {}
    co: dict[int, Person] = {}
    parties = (
        TenancyParty.objects.filter(tenancy_id__in=tenancy_ids.values())
        .select_related("person")
        .order_by("id")
    )
    for party in parties:
        target = main if party.role == PartyRole.TENANT else co
        target.setdefault(party.tenancy_id, party.person)

    new: list[tuple[Person, TenancyRow, str]] = []
    changed: list[Person] = []
    for row in batch:
        tenancy_id = tenancy_ids[row.reference]
        values = {
            "name": row.tenant_name,
            "birth_date": row.birth_date,
            "email": row.email,
            "phone": row.phone,
        }
        person = main.get(tenancy_id)
        if person is None:
            new.append((Person(**values), row, PartyRole.TENANT))
        elif _assign(person, values):
            changed.append(person)
            changes.touched.add(row.reference)
        if row.co_tenant_name:
            co_tenant = co.get(tenancy_id)
            if co_tenant is None:
                new.append((Person(name=row.co_tenant_name), row, PartyRole.CO_TENANT))
                changes.touched.add(row.reference)
            elif _assign(co_tenant, {"name": row.co_tenant_name}):
                changed.append(co_tenant)
                changes.touched.add(row.reference)

    # PostgreSQL and SQLite >= 3.35 hand back the new keys from a bulk insert.
    Person.objects.bulk_create([person for person, _row, _role in new])
    Person.objects.bulk_update(changed, PERSON_FIELDS)
    TenancyParty.objects.bulk_create(
        [
            TenancyParty(tenancy_id=tenancy_ids[row.reference], person=person, role=role)
            for person, row, role in new
        ]
    )
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(
                tenancy_id=tenancy_ids[row.reference],
                person=person,
                moved_in=row.start_date,
                moved_out=row.end_date,
                end_reason=MembershipEnd.MOVED_OUT if row.end_date else "",
            )
            for person, row, _role in new
        ]
    )
    result.persons_created += len(new)
    _household_close(batch, tenancy_ids)


def _household_close(batch: Sequence[TenancyRow], tenancy_ids: Mapping[str, int]) -> None:
    """When the ERP ends a tenancy, whoever still lives there under it moves out on that day."""
    end_of = {tenancy_ids[row.reference]: row.end_date for row in batch if row.end_date}
    if not end_of:
        return
    members = list(HouseholdMember.objects.filter(tenancy_id__in=end_of, moved_out__isnull=True))
    for member in members:
        member.moved_out = end_of[member.tenancy_id]
        member.end_reason = MembershipEnd.MOVED_OUT
    HouseholdMember.objects.bulk_update(members, ["moved_out", "end_reason"])


def _rents_upsert(
    batch: Sequence[TenancyRow],
    tenancy_ids: Mapping[str, int],
    today: dt.date,
    result: TenancyImportResult,
    changes: _Changes,
) -> None:
    rents: dict[int, list[Rent]] = {}
    for rent in Rent.objects.filter(tenancy_id__in=tenancy_ids.values()).order_by("valid_from"):
        rents.setdefault(rent.tenancy_id, []).append(rent)
    new: list[Rent] = []
    changed: list[Rent] = []
    for row in batch:
        tenancy_id = tenancy_ids[row.reference]
        amounts = {"base_rent": row.base_rent, "service_charges": row.service_charges}
        history = rents.get(tenancy_id, [])
        if not history:
            new.append(Rent(tenancy_id=tenancy_id, valid_from=row.start_date, **amounts))
            continue
        if history[0].valid_from > row.start_date and _assign(history[0], {"valid_from": row.start_date}):
            # The ERP moved the start earlier: the first rent applies from the new start.
            changed.append(history[0])
            changes.touched.add(row.reference)
        # The file says what the rent is now; a change applies from the import's date (or the start).
        effective = max(today, row.start_date)
        current = next((r for r in reversed(history) if r.valid_from <= effective), history[0])
        if current.base_rent == row.base_rent and current.service_charges == row.service_charges:
            continue
        changes.touched.add(row.reference)
        same_day = next((r for r in history if r.valid_from == effective), None)
        if same_day is not None:
            _assign(same_day, amounts)
            if same_day not in changed:
                changed.append(same_day)
        else:
            new.append(Rent(tenancy_id=tenancy_id, valid_from=effective, **amounts))
    Rent.objects.bulk_create(new)
    Rent.objects.bulk_update(changed, ["valid_from", "base_rent", "service_charges"])
    result.rents_created += len(new)


def tenancies_import(
    *, path: Path, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> TenancyImportResult:
    """Import the ERP's tenancy file; raises CsvFileError or RowErrors (and writes nothing) if it is bad."""
    reader = CsvReader(path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    rows, errors, read = _validate(reader)
    if errors:
        raise RowErrors(errors)
    today = today or local_date(timezone.now())
    sha256 = reader.sha256
    result = TenancyImportResult(file_sha256=sha256, rows_read=read, ignored_columns=reader.ignored_columns)
    changes = _Changes()
    with transaction.atomic():
        dwelling_ids = _dwellings_upsert(rows, result, changes)
        for batch in chunked(rows, batch_size):
            tenancy_ids = _tenancies_upsert(batch, dwelling_ids, changes)
            _parties_upsert(batch, tenancy_ids, result, changes)
            _rents_upsert(batch, tenancy_ids, today, result, changes)
        result.created = len(changes.created)
        result.updated = len(changes.touched - changes.created)
        result.unchanged = len(rows) - result.created - result.updated
        journal.record(
            activity="erp_tenancies_imported",
            subjects=[SubjectRef("tenancies.import", sha256[:16])],
            facts={k: v for k, v in result.as_dict().items() if k != "ignored_columns"},
        )
    logger.info("erp_tenancies_imported", **{k: v for k, v in result.as_dict().items() if k != "file_sha256"})
    return result
