"""`roer export_direct_debits --month YYYY-MM`: the month's SEPA direct-debit file (pain.008.001.08).

What is collected: that month's rent charge only (every `charge` entry with `period` = the month),
never open arrears. Pulling arrears unannounced off a tenant's account is what turns a shortfall into
a bounced debit and a debt spiral; arrears go through the humane route (arrears app) instead.

First or recurring: a collection is FRST when no direct-debit payment under the current mandate
(dated on or after the mandate's signature date and before this month) is in the ledger, else RCUR.
ASSUMPTION: the ledger is the memory of earlier collections (bank statements and the ERP book them
as `payment` with method `direct_debit`). A `DirectDebitCollection` model in ledger/models.py would
also remember collections exported but not yet booked; see docs/erp-import.md.

The message id is fixed per creditor and month (`ROER-DD-YYYY-MM`), so a file exported twice is
recognisably the same collection and a bank refuses the second upload instead of collecting twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from lxml import etree
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaDD

from roer.core import journal
from roer.core.files import write_atomically
from roer.core.money import ZERO, euros
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind, PaymentChannel
from roer.ledger.models import DirectDebitCollection, LedgerEntry
from roer.ledger.services.mandates import collection_date_for
from roer.ledger.services.rent import last_day_of
from roer.tenancies.constants import PaymentMethod
from roer.tenancies.selectors import tenancies_active_between

logger = structlog.get_logger(__name__)

SCHEMA = "pain.008.001.08"
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
FIRST, RECURRING = "FRST", "RCUR"


class SkipReason:
    NO_MANDATE = "no_mandate"
    MANDATE_AFTER_COLLECTION = "mandate_signed_after_collection_date"
    INVALID_IBAN = "invalid_iban"
    NO_CHARGE = "no_rent_charge_for_month"
    NO_TENANT = "no_main_tenant"
    TENANT_DECEASED = "tenant_deceased"
    BEFORE_ANNOUNCED_FIRST = "before_announced_first_collection"


@dataclass(frozen=True)
class Collection:
    tenancy_id: int
    tenancy_reference: str
    debtor_name: str
    iban: str
    bic: str | None
    mandate_id: str
    mandate_date: dt.date
    amount: Decimal
    sequence: str
    end_to_end_id: str


@dataclass
class DirectDebitExport:
    month: dt.date
    collection_date: dt.date
    message_id: str
    path: Path | None = None
    collections: list[Collection] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.collections), ZERO)

    def count(self, sequence: str) -> int:
        return sum(1 for c in self.collections if c.sequence == sequence)

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "collection_date": self.collection_date.isoformat(),
            "message_id": self.message_id,
            "file": str(self.path) if self.path else None,
            "count": len(self.collections),
            "total": str(self.total),
            "first": self.count(FIRST),
            "recurring": self.count(RECURRING),
            "skipped": self.skipped,
        }


def message_id_for(month: dt.date) -> str:
    return f"ROER-DD-{month:%Y-%m}"


def end_to_end_id_for(month: dt.date, tenancy_reference: str) -> str:
    """At most 35 characters, the same for the same tenancy and month."""
    candidate = f"{month:%Y%m}-{tenancy_reference}"
    if len(candidate) <= 35:
        return candidate
    return f"{month:%Y%m}-{hashlib.sha256(tenancy_reference.encode()).hexdigest()[:28]}"


def default_output_path(month: dt.date) -> Path:
    return Path(settings.EXPORT_DIR) / f"pain008-{month:%Y-%m}.xml"


def _checked_iban(text: str) -> IBAN | None:
    try:
        return IBAN(text)
    except SchwiftyException:
        return None


def _month_charges(tenancy_ids: list[int], month: dt.date) -> dict[int, Decimal]:
    rows = (
        LedgerEntry.objects.filter(tenancy_id__in=tenancy_ids, kind=EntryKind.CHARGE, period=month)
        .values("tenancy_id")
        .annotate(total=Sum("amount"))
        .values_list("tenancy_id", "total")
    )
    # SQLite sums decimals as floats-in-text; back to cents before anything is compared or written.
    return {tenancy_id: euros(str(total)) for tenancy_id, total in rows}


def _earlier_collections(tenancy_ids: list[int], before: dt.date) -> dict[int, list[dt.date]]:
    dates: dict[int, list[dt.date]] = {}
    rows = LedgerEntry.objects.filter(
        tenancy_id__in=tenancy_ids,
        kind=EntryKind.PAYMENT,
        method=PaymentChannel.DIRECT_DEBIT,
        date__lt=before,
    ).values_list("tenancy_id", "date")
    for tenancy_id, date in rows:
        dates.setdefault(tenancy_id, []).append(date)
    return dates


def _mandates_collected_before(tenancy_ids: list[int], month: dt.date) -> set[tuple[int, str]]:
    """(tenancy, mandate) pairs already collected in an earlier exported file, booked by the bank or not."""
    return set(
        DirectDebitCollection.objects.filter(tenancy_id__in=tenancy_ids, month__lt=month).values_list(
            "tenancy_id", "mandate_id"
        )
    )


def _collections_record(export: DirectDebitExport) -> None:
    """Keep what the file collects, so the next month knows the mandate was used (FRST → RCUR)."""
    for collection in export.collections:
        DirectDebitCollection.objects.update_or_create(
            tenancy_id=collection.tenancy_id,
            month=export.month,
            defaults={
                "mandate_id": collection.mandate_id,
                "sequence": collection.sequence,
                "amount": collection.amount,
                "end_to_end_id": collection.end_to_end_id,
                "message_id": export.message_id,
                "collection_date": export.collection_date,
            },
        )


def collections_for_month(
    *, month: dt.date, collection_date: dt.date
) -> tuple[list[Collection], list[dict[str, str]]]:
    """Who is collected this month and how much, and who is not and why (reads only)."""
    collections: list[Collection] = []
    skipped: list[dict[str, str]] = []
    tenancies = list(
        tenancies_active_between(first=month, last=last_day_of(month)).filter(
            payment_method=PaymentMethod.DIRECT_DEBIT
        )
    )
    ids = [t.pk for t in tenancies]
    charges: dict[int, Decimal] = {}
    earlier: dict[int, list[dt.date]] = {}
    exported: set[tuple[int, str]] = set()
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        charges.update(_month_charges(batch, month))
        earlier.update(_earlier_collections(batch, month))
        exported.update(_mandates_collected_before(batch, month))

    for tenancy in tenancies:

        def skip(reason: str, reference: str = tenancy.reference) -> None:
            skipped.append({"tenancy": reference, "reason": reason})

        iban = _checked_iban(tenancy.iban) if tenancy.iban else None
        main = tenancy.main_parties[0].person if tenancy.main_parties else None  # type: ignore[attr-defined]
        amount = charges.get(tenancy.pk, ZERO)
        if not tenancy.mandate_id or tenancy.mandate_date is None:
            skip(SkipReason.NO_MANDATE)
        elif tenancy.mandate_date > collection_date:
            skip(SkipReason.MANDATE_AFTER_COLLECTION)
        elif tenancy.direct_debit_from is not None and collection_date < tenancy.direct_debit_from:
            # SEPA pre-notification: never collect before the first collection the tenant was told.
            skip(SkipReason.BEFORE_ANNOUNCED_FIRST)
        elif iban is None or not tenancy.iban_valid:
            skip(SkipReason.INVALID_IBAN)
        elif amount <= 0:
            skip(SkipReason.NO_CHARGE)
        elif main is None:
            skip(SkipReason.NO_TENANT)
        elif main.died_on is not None:
            # A direct debit on a deceased tenant's account comes back MD07; the household gets a person.
            skip(SkipReason.TENANT_DECEASED)
        else:
            mandate_date = tenancy.mandate_date
            used = (tenancy.pk, tenancy.mandate_id) in exported or any(
                # A collection cannot be made under a mandate signed the same day: the file goes to the
                # bank at least a working day ahead.
                day > mandate_date
                for day in earlier.get(tenancy.pk, [])
            )
            bic = iban.bic
            collections.append(
                Collection(
                    tenancy_id=tenancy.pk,
                    tenancy_reference=tenancy.reference,
                    debtor_name=tenancy.account_holder or main.name,
                    iban=str(iban.compact),
                    bic=str(bic) if bic else None,
                    mandate_id=tenancy.mandate_id,
                    mandate_date=mandate_date,
                    amount=amount,
                    sequence=RECURRING if used else FIRST,
                    end_to_end_id=end_to_end_id_for(month, tenancy.reference),
                )
            )
    return collections, skipped


def pain008_render(*, export: DirectDebitExport) -> bytes:
    """The pain.008.001.08 document, built by sepaxml, with deterministic ids, checked against the XSD."""
    sepa = SepaDD(
        {
            "name": settings.CORPORATION_NAME,
            "IBAN": settings.CREDITOR_IBAN,
            "BIC": settings.CREDITOR_BIC,
            "batch": True,
            "creditor_id": settings.CREDITOR_ID,
            "currency": "EUR",
        },
        schema=SCHEMA,
    )
    description = _("Rent %(month)s, tenancy %(reference)s")
    for collection in export.collections:
        payment: dict[str, Any] = {
            "name": collection.debtor_name,
            "IBAN": collection.iban,
            "amount": int(collection.amount * 100),
            "type": collection.sequence,
            "collection_date": export.collection_date,
            "mandate_id": collection.mandate_id,
            "mandate_date": collection.mandate_date,
            "description": description
            % {"month": f"{export.month:%m-%Y}", "reference": collection.tenancy_reference},
            "endtoend_id": collection.end_to_end_id,
        }
        if collection.bic:
            payment["BIC"] = collection.bic
        sepa.add_payment(payment)
    document = etree.fromstring(sepa.export(validate=False))
    # sepaxml draws random ids; a re-export of a month must carry the same ones.
    document.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", NS).text = export.message_id
    for info in document.iterfind("p:CstmrDrctDbtInitn/p:PmtInf", NS):
        sequence = info.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS)
        info.find("p:PmtInfId", NS).text = f"{export.message_id}-{sequence}"
    pain008_validate(document)
    return bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def pain008_schema() -> etree.XMLSchema:
    import sepaxml

    return etree.XMLSchema(etree.parse(str(Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd")))


def pain008_validate(document: etree._Element) -> None:
    schema = pain008_schema()
    if not schema.validate(document):
        raise ValueError(
            _("the pain.008 file fails its schema: %(error)s") % {"error": schema.error_log.last_error}
        )


def direct_debits_export(
    *, month: dt.date, collection_date: dt.date | None = None, output: Path | None = None
) -> DirectDebitExport:
    """Write the month's pain.008 file (no file when nobody is to be collected) and journal the export."""
    month = month.replace(day=1)
    collection_date = collection_date or collection_date_for(month)
    export = DirectDebitExport(month=month, collection_date=collection_date, message_id=message_id_for(month))
    export.collections, export.skipped = collections_for_month(month=month, collection_date=collection_date)
    if export.collections:
        export.path = output or default_output_path(month)
        with transaction.atomic():
            _collections_record(export)
            write_atomically(export.path, pain008_render(export=export))
    facts = {k: v for k, v in export.as_dict().items() if k not in {"skipped", "file"}}
    facts["skipped"] = len(export.skipped)
    journal.record(
        activity="direct_debits_exported",
        subjects=[SubjectRef("ledger.direct_debit_run", export.message_id)],
        facts=facts,
    )
    logger.info("direct_debits_exported", **facts)
    return export
