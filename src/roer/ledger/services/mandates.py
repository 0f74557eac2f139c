"""Direct-debit mandates the tenant signs, changes and stops in the portal, and when their collections fall.

The collection day: `roer export_direct_debits` collects a month's rent charge on
`collection_date_for(month)`, the month's first working day (Dutch public holidays and weekends skipped),
unless it is given another date.

Pre-notification: the EPC SEPA Direct Debit Core Scheme Rulebook (EPC016-06) has the creditor tell the debtor
the amount and date of a collection at least 14 calendar days before it, unless they agreed otherwise. Roer
agrees nothing shorter: the first collection under a mandate signed online is the first collection day at
least `PRE_NOTIFICATION_DAYS` after the day of signing, the tenant sees that date and amount before
confirming, and the tenancy keeps it (`direct_debit_from`) so that no file collects earlier.

An IBAN change: SEPA lets a creditor keep the mandate and flag the next collection as amended (`AmdmntInd`
with the original debtor account). The pain.008 export cannot write amendments, so a new IBAN gets a new
mandate (new id, today's date) and its first collection goes out as FRST, announced like a sign-up.

Mandate ids: `ROER-<tenancy reference>-<nn>`, upper case, at most 35 characters of the SEPA character set;
`nn` counts the mandates Roer issued for the tenancy. A reference that does not fit is replaced by a hash
of it. The journal gets the mandate id and dates, never the IBAN or the account holder's name.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import add_months, local_date, next_working_day
from roer.core.money import ZERO, euros, format_euros
from roer.core.outbox import mail_enqueue
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind
from roer.ledger.models import DirectDebitCollection, LedgerEntry
from roer.ledger.services.rent import month_charge
from roer.tenancies.constants import PartyRole, PaymentMethod
from roer.tenancies.models import Person, Tenancy, TenancyParty
from roer.tenancies.selectors import rent_valid_on

logger = structlog.get_logger(__name__)

PRE_NOTIFICATION_DAYS = 14
MANDATE_PREFIX = "ROER"
MANDATE_ID_LENGTH = 35
ACCOUNT_HOLDER_LENGTH = 70
FIRST = "FRST"
# The characters the SEPA rulebook allows in a mandate reference (as tenancies/erp_rows.py checks them).
SEPA_MANDATE_ID = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")
_PLAIN_REFERENCE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
_IBAN_FILLER = re.compile(r"[\s.\-]+")
# Months looked ahead for a month with rent to collect.
_LOOK_AHEAD_MONTHS = 13


class MandateError(Exception):
    """A request the mandate rules refuse; the message is for the tenant. `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


# --- pure rules ------------------------------------------------------------------------------------


def collection_date_for(month: dt.date) -> dt.date:
    """The day a month's rent is collected: the month's first working day."""
    return next_working_day(month.replace(day=1))


def first_collection_month(
    signed_on: dt.date, *, start_date: dt.date | None = None, notice_days: int = PRE_NOTIFICATION_DAYS
) -> dt.date:
    """The first month whose collection day is at least `notice_days` after `signed_on` (and not before the
    tenancy's first month)."""
    earliest = signed_on + dt.timedelta(days=notice_days)
    month = signed_on.replace(day=1)
    if start_date is not None:
        month = max(month, start_date.replace(day=1))
    while collection_date_for(month) < earliest:
        month = add_months(month, 1)
    return month


def normalised_iban(text: str) -> str:
    return _IBAN_FILLER.sub("", text or "").upper()


def iban_checked(text: str) -> IBAN:
    """The IBAN typed, checked by schwifty and limited to the SEPA area; MandateError in plain words."""
    compact = normalised_iban(text)
    if not compact:
        raise MandateError(_("Fill in your IBAN."), field="iban", code="iban_missing")
    try:
        iban = IBAN(compact)
    except SchwiftyException:
        raise MandateError(
            _("This IBAN is not right. Check the number on your bank card or in your banking app."),
            field="iban",
            code="iban_invalid",
        ) from None
    if not iban.in_sepa_zone:
        raise MandateError(
            _("We can only collect from a bank account in the SEPA area (the EU and a few other countries)."),
            field="iban",
            code="iban_not_sepa",
        )
    return iban


def mask_iban(text: str) -> str:
    """`NL** **** **** **43 00`: the country and the last four characters, the rest hidden, in groups of 4."""
    compact = normalised_iban(text)
    if len(compact) <= 6:
        return "*" * len(compact)
    hidden = compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


def mandate_id_for(reference: str, sequence: int) -> str:
    """`ROER-<reference>-<nn>`; a reference that is long or holds other characters becomes a hash of it."""
    plain = reference.strip().upper()
    suffix = f"-{sequence:02d}"
    room = MANDATE_ID_LENGTH - len(MANDATE_PREFIX) - 1 - len(suffix)
    if not _PLAIN_REFERENCE.match(plain) or len(plain) > room:
        plain = "H" + hashlib.sha256(reference.encode()).hexdigest()[:16].upper()
    candidate = f"{MANDATE_PREFIX}-{plain}{suffix}"
    if len(candidate) > MANDATE_ID_LENGTH or not SEPA_MANDATE_ID.match(candidate):
        raise ValueError(f"mandate sequence too large for a SEPA mandate id: {sequence}")
    return candidate


# --- reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCollection:
    month: dt.date  # the first of the month whose rent is collected
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class MandatePlan:
    """What signing (or changing) a mandate today means, shown to the tenant before they confirm."""

    iban: str  # compact; only for the service, never for the journal
    masked_iban: str
    account_holder: str
    signed_on: dt.date
    first: PlannedCollection
    # Rent of months before the first collection that the tenant still pays by transfer.
    transfer: list[PlannedCollection] = field(default_factory=list)
    # Collections already sent to the bank: they still go through, from the account in that file.
    already_sent: list[PlannedCollection] = field(default_factory=list)


@dataclass(frozen=True)
class MandateStatus:
    active: bool
    mandate_id: str
    mandate_date: dt.date | None
    masked_iban: str
    account_holder: str
    next_collection: PlannedCollection | None
    already_sent: list[PlannedCollection]
    administrator: bool  # a financial administrator arranges the payments
    administrator_name: str
    payment_reference: str
    ended: bool


def is_active(tenancy: Tenancy) -> bool:
    return tenancy.payment_method == PaymentMethod.DIRECT_DEBIT and bool(tenancy.mandate_id)


def has_administrator(tenancy: Tenancy) -> bool:
    return bool(tenancy.administrator_name.strip())


def _gross_rent_on(tenancy: Tenancy, day: dt.date) -> Decimal | None:
    rent = rent_valid_on(list(tenancy.rents.all()), day)
    return rent.gross_rent if rent is not None else None


def amount_due_for(tenancy: Tenancy, month: dt.date) -> Decimal:
    """The rent a month's collection takes: as exported, else as charged, else as the rent rows say
    (the export collects the month's rent charges; this is the same amount before they are booked)."""
    month = month.replace(day=1)
    exported = (
        DirectDebitCollection.objects.filter(tenancy=tenancy, month=month, mandate_id=tenancy.mandate_id)
        .values_list("amount", flat=True)
        .first()
    )
    if exported is not None:
        return euros(exported)
    charged = LedgerEntry.objects.filter(tenancy=tenancy, kind=EntryKind.CHARGE, period=month).aggregate(
        total=Sum("amount")
    )["total"]
    if charged is not None:
        # SQLite sums decimals as floats-in-text.
        return euros(str(charged))
    charge = month_charge(
        start_date=tenancy.start_date,
        end_date=tenancy.end_date,
        gross_rent_on=functools.partial(_gross_rent_on, tenancy),
        month=month,
    )
    return charge.amount if charge is not None else ZERO


def _runs_in(tenancy: Tenancy, month: dt.date) -> bool:
    return tenancy.end_date is None or tenancy.end_date >= month


def sent_to_bank(tenancy: Tenancy, today: dt.date) -> list[PlannedCollection]:
    """Collections in an exported file that the bank has yet to carry out."""
    return [
        PlannedCollection(month=month, date=day, amount=euros(amount))
        for month, day, amount in DirectDebitCollection.objects.filter(
            tenancy=tenancy, collection_date__gte=today
        )
        .order_by("collection_date")
        .values_list("month", "collection_date", "amount")
    ]


def next_collection(tenancy: Tenancy, today: dt.date) -> PlannedCollection | None:
    """The next collection under the tenancy's running mandate, on or after today; None without one."""
    if not is_active(tenancy):
        return None
    earliest = max(d for d in (today, tenancy.direct_debit_from, tenancy.mandate_date) if d is not None)
    month = max(earliest.replace(day=1), tenancy.start_date.replace(day=1))
    for _step in range(_LOOK_AHEAD_MONTHS):
        if not _runs_in(tenancy, month):
            return None
        day = collection_date_for(month)
        if day >= earliest:
            amount = amount_due_for(tenancy, month)
            if amount > 0:
                return PlannedCollection(month=month, date=day, amount=amount)
        month = add_months(month, 1)
    return None


def mandate_status(tenancy: Tenancy, today: dt.date) -> MandateStatus:
    active = is_active(tenancy)
    return MandateStatus(
        active=active,
        mandate_id=tenancy.mandate_id if active else "",
        mandate_date=tenancy.mandate_date if active else None,
        masked_iban=mask_iban(tenancy.iban) if active and tenancy.iban else "",
        account_holder=tenancy.account_holder if active else "",
        next_collection=next_collection(tenancy, today) if active else None,
        already_sent=sent_to_bank(tenancy, today),
        administrator=has_administrator(tenancy),
        administrator_name=tenancy.administrator_name.strip(),
        payment_reference=tenancy.payment_reference or tenancy.reference,
        ended=tenancy.end_date is not None and tenancy.end_date < today,
    )


def mandate_plan(
    *, tenancy: Tenancy, iban: str, account_holder: str, today: dt.date, changing: bool = False
) -> MandatePlan:
    """Check what the tenant typed and work out the first collection; reads only. MandateError in words.
    `changing`: a new account for a running direct debit, which must differ from the one collected now."""
    checked = iban_checked(iban)
    if str(checked.compact) == normalised_iban(settings.CREDITOR_IBAN):
        raise MandateError(
            _("This is our own account number. Fill in the number of your own account."),
            field="iban",
            code="creditor_iban",
        )
    if changing and str(checked.compact) == normalised_iban(tenancy.iban):
        raise MandateError(_("We already collect from this account."), field="iban", code="same_iban")
    holder = " ".join((account_holder or "").split())
    if not holder:
        raise MandateError(
            _("Fill in the name of the account holder."), field="account_holder", code="holder_missing"
        )
    if len(holder) > ACCOUNT_HOLDER_LENGTH:
        raise MandateError(
            _("Use at most %(max)s characters.") % {"max": ACCOUNT_HOLDER_LENGTH},
            field="account_holder",
            code="holder_too_long",
        )
    already = sent_to_bank(tenancy, today)
    sent_months = {c.month for c in already}
    month = first_collection_month(today, start_date=tenancy.start_date)
    first: PlannedCollection | None = None
    for _step in range(_LOOK_AHEAD_MONTHS):
        if not _runs_in(tenancy, month):
            break
        # A month already in a file at the bank is collected from that file, not again.
        amount = ZERO if month in sent_months else amount_due_for(tenancy, month)
        if amount > 0:
            first = PlannedCollection(month=month, date=collection_date_for(month), amount=amount)
            break
        month = add_months(month, 1)
    if first is None:
        raise MandateError(
            _("There is no rent left to collect: your rental contract ends before the first collection."),
            code="nothing_to_collect",
        )
    transfer: list[PlannedCollection] = []
    month = add_months(today.replace(day=1), 1)
    while month < first.month:
        if month not in sent_months and month >= tenancy.start_date.replace(day=1):
            amount = amount_due_for(tenancy, month)
            if amount > 0:
                # Rent is due before the first of the month it covers.
                transfer.append(
                    PlannedCollection(month=month, date=month - dt.timedelta(days=1), amount=amount)
                )
        month = add_months(month, 1)
    return MandatePlan(
        iban=str(checked.compact),
        masked_iban=mask_iban(str(checked.compact)),
        account_holder=holder,
        signed_on=today,
        first=first,
        transfer=transfer,
        already_sent=already,
    )


# --- who may ---------------------------------------------------------------------------------------


def may_manage(tenancy: Tenancy, user: Any) -> bool:
    """Only the tenancy's own main tenant or co-tenant signs, changes or stops its mandate."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return TenancyParty.objects.filter(
        tenancy_id=tenancy.pk,
        person__user_id=user.pk,
        role__in=[PartyRole.TENANT, PartyRole.CO_TENANT],
    ).exists()


def _check_may_manage(tenancy: Tenancy, by: Any, today: dt.date) -> None:
    if not may_manage(tenancy, by):
        raise PermissionDenied(_("Only a tenant of this home can arrange its direct debit."))
    if has_administrator(tenancy):
        raise MandateError(
            _("Your financial administrator arranges the payment of your rent. Please contact them."),
            code="administrator",
        )
    if tenancy.end_date is not None and tenancy.end_date < today:
        raise MandateError(_("This rental contract has ended."), code="ended")


# --- writes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MandateResult:
    tenancy: Tenancy
    mandate_id: str
    plan: MandatePlan


def _new_mandate_id(tenancy: Tenancy) -> str:
    """The next free id for a tenancy the caller holds locked; bumps its counter (saved by the caller)."""
    sequence = tenancy.mandates_issued
    while True:
        sequence += 1
        candidate = mandate_id_for(tenancy.reference, sequence)
        if not Tenancy.objects.filter(mandate_id__iexact=candidate).exists():
            tenancy.mandates_issued = sequence
            return candidate


def _check_announced(plan: MandatePlan, announced: dt.date | None) -> None:
    if announced is not None and announced != plan.first.date:
        raise MandateError(
            _("The date of the first collection has changed. Please check it again."), code="plan_changed"
        )


_MANDATE_FIELDS = [
    "payment_method",
    "iban",
    "iban_valid",
    "account_holder",
    "mandate_id",
    "mandate_date",
    "mandates_issued",
    "direct_debit_from",
]


def _issue(
    *,
    tenancy: Tenancy,
    iban: str,
    account_holder: str,
    by: Any,
    now: dt.datetime | None,
    announced: dt.date | None,
    changing: bool,
) -> MandateResult:
    now = now or timezone.now()
    today = local_date(now)
    _check_may_manage(tenancy, by, today)
    with transaction.atomic():
        # Lock the tenancy: two sign-ups at once would both issue a mandate.
        tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
        _check_may_manage(tenancy, by, today)
        if changing and not is_active(tenancy):
            raise MandateError(_("You do not pay by direct debit yet."), code="not_active")
        if not changing and is_active(tenancy):
            raise MandateError(
                _("You already pay by direct debit. You can change the account number instead."),
                code="already_active",
            )
        plan = mandate_plan(
            tenancy=tenancy, iban=iban, account_holder=account_holder, today=today, changing=changing
        )
        _check_announced(plan, announced)
        previous = tenancy.mandate_id
        mandate_id = _new_mandate_id(tenancy)
        tenancy.payment_method = PaymentMethod.DIRECT_DEBIT
        tenancy.iban = plan.iban
        tenancy.iban_valid = True
        tenancy.account_holder = plan.account_holder
        tenancy.mandate_id = mandate_id
        tenancy.mandate_date = today
        tenancy.direct_debit_from = plan.first.date
        tenancy.save(update_fields=_MANDATE_FIELDS)
        facts: dict[str, Any] = {
            "mandate_id": mandate_id,
            "mandate_date": today.isoformat(),
            "first_collection": plan.first.date.isoformat(),
            "first_amount": str(plan.first.amount),
            "sequence": FIRST,
            "notice_days": (plan.first.date - today).days,
            "iban_country": plan.iban[:2],
            "transfer_months": len(plan.transfer),
            "already_sent": len(plan.already_sent),
        }
        if changing:
            facts.update(previous_mandate_id=previous, amendment=False)
        activity = "mandate_iban_changed" if changing else "mandate_signed"
        journal.record(
            activity=activity,
            subjects=[tenancy],
            actor=by,
            channel=Channel.PORTAL,
            occurred_at=now,
            facts=facts,
        )
        kind = "changed" if changing else "signed"
        _send_confirmation(tenancy.pk, by.pk, kind, plan, mandate_id)
    logger.info(activity, tenancy_id=tenancy.pk, mandate_id=mandate_id, first_collection=str(plan.first.date))
    return MandateResult(tenancy=tenancy, mandate_id=mandate_id, plan=plan)


def mandate_sign_up(
    *,
    tenancy: Tenancy,
    iban: str,
    account_holder: str,
    by: Any,
    now: dt.datetime | None = None,
    announced: dt.date | None = None,
) -> MandateResult:
    """The tenant asks us to collect the rent: a new mandate (id, today's date), the tenancy pays by direct
    debit from the first collection day at least 14 days away, which goes out as FRST.

    `announced` is the first collection date the tenant saw when confirming; if it no longer holds (the
    confirmation crossed midnight, say), nothing is signed and they are asked to check again.
    """
    return _issue(
        tenancy=tenancy,
        iban=iban,
        account_holder=account_holder,
        by=by,
        now=now,
        announced=announced,
        changing=False,
    )


def mandate_change_iban(
    *,
    tenancy: Tenancy,
    iban: str,
    account_holder: str,
    by: Any,
    now: dt.datetime | None = None,
    announced: dt.date | None = None,
) -> MandateResult:
    """A new account for a running direct debit: a new mandate (the export writes no amendments), announced
    and first collected like a sign-up; collections already sent to the bank still go through."""
    return _issue(
        tenancy=tenancy,
        iban=iban,
        account_holder=account_holder,
        by=by,
        now=now,
        announced=announced,
        changing=True,
    )


@dataclass(frozen=True)
class CancelResult:
    tenancy: Tenancy
    mandate_id: str
    payment_reference: str
    already_sent: list[PlannedCollection]


def mandate_cancel(*, tenancy: Tenancy, by: Any, now: dt.datetime | None = None) -> CancelResult:
    """Stop the direct debit: the tenancy pays by transfer from now on, under its payment reference.

    The mandate id and date stay on the tenancy so that a late return of an earlier collection still
    finds it; a later sign-up gets a new mandate. A collection already sent to the bank still goes through.
    """
    now = now or timezone.now()
    today = local_date(now)
    _check_may_manage(tenancy, by, today)
    with transaction.atomic():
        tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
        _check_may_manage(tenancy, by, today)
        if not is_active(tenancy):
            raise MandateError(_("You do not pay by direct debit."), code="not_active")
        tenancy.payment_method = PaymentMethod.TRANSFER
        tenancy.direct_debit_from = None
        tenancy.save(update_fields=["payment_method", "direct_debit_from"])
        already = sent_to_bank(tenancy, today)
        journal.record(
            activity="mandate_cancelled",
            subjects=[tenancy],
            actor=by,
            channel=Channel.PORTAL,
            occurred_at=now,
            facts={
                "mandate_id": tenancy.mandate_id,
                "payment_method": PaymentMethod.TRANSFER.value,
                "already_sent": len(already),
            },
        )
        result = CancelResult(
            tenancy=tenancy,
            mandate_id=tenancy.mandate_id,
            payment_reference=tenancy.payment_reference or tenancy.reference,
            already_sent=already,
        )
        _send_cancel_confirmation(tenancy.pk, by.pk, result)
    logger.info("mandate_cancelled", tenancy_id=tenancy.pk, mandate_id=result.mandate_id)
    return result


# --- the confirmation e-mail -----------------------------------------------------------------------


def _recipients(tenancy_id: int, user_id: int) -> list[str]:
    """The tenant who acted: their account's address, else their person record's."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None and user.email:
        return [user.email]
    person = Person.objects.filter(user_id=user_id, tenancy_parties__tenancy_id=tenancy_id).first()
    return [person.email] if person is not None and person.email else []


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _month_name(month: dt.date) -> str:
    return date_format(month, "F Y")


def _how_to_transfer(reference: str) -> str:
    return _(
        "Transfer it to %(iban)s (%(name)s) with payment reference %(reference)s, before the first of "
        "the month."
    ) % {"iban": settings.CREDITOR_IBAN, "name": settings.CORPORATION_NAME, "reference": reference}


def confirmation_text(tenancy: Tenancy, kind: str, plan: MandatePlan) -> tuple[str, str]:
    """Subject and body of the confirmation of a signed or changed mandate, in Dutch (B1)."""
    reference = tenancy.payment_reference or tenancy.reference
    with translation.override("nl"):
        if kind == "changed":
            subject = _("We collect your rent from your new account")
            intro = _("You have given us a new account number for the direct debit of your rent.")
        else:
            subject = _("We collect your rent by direct debit")
            intro = _(
                "You have given us permission to collect your rent from your bank account (direct debit)."
            )
        lines = [
            _("Hello,"),
            "",
            str(intro),
            "",
            _("Mandate reference: %(id)s") % {"id": tenancy.mandate_id},
            _("Date of the mandate: %(date)s") % {"date": _long_date(plan.signed_on)},
            _("Collected by: %(name)s, creditor ID %(creditor)s")
            % {"name": settings.CORPORATION_NAME, "creditor": settings.CREDITOR_ID},
            _("Account: %(iban)s") % {"iban": plan.masked_iban},
            "",
            _("The first collection: %(amount)s on %(date)s, the rent for %(month)s.")
            % {
                "amount": format_euros(plan.first.amount),
                "date": _long_date(plan.first.date),
                "month": _month_name(plan.first.month),
            },
            _("After that we collect the rent on the first working day of each month."),
        ]
        for sent in plan.already_sent:
            lines.append(
                _(
                    "The rent for %(month)s (%(amount)s) was already sent to the bank: it is still "
                    "collected on %(date)s from the account in that collection."
                )
                % {
                    "month": _month_name(sent.month),
                    "amount": format_euros(sent.amount),
                    "date": _long_date(sent.date),
                }
            )
        for month in plan.transfer:
            lines.append(
                _("Please pay the rent for %(month)s (%(amount)s) yourself.")
                % {"month": _month_name(month.month), "amount": format_euros(month.amount)}
                + " "
                + _how_to_transfer(reference)
            )
        if kind != "changed":
            lines.append(
                _(
                    "Do you pay your rent by a standing order at your bank? Stop it from %(month)s, so "
                    "you do not pay twice."
                )
                % {"month": _month_name(plan.first.month)}
            )
        lines += [
            "",
            _("You can ask your bank to pay back a direct debit within 8 weeks."),
            _("You can change or stop the direct debit in the portal at any time."),
            "",
            _("Kind regards,"),
            settings.CORPORATION_NAME,
        ]
    return str(subject), "\n".join(str(line) for line in lines)


def cancel_text(tenancy: Tenancy, result: CancelResult) -> tuple[str, str]:
    with translation.override("nl"):
        subject = _("Your direct debit has stopped")
        lines = [
            _("Hello,"),
            "",
            _("You have stopped the direct debit of your rent (mandate %(id)s).") % {"id": result.mandate_id},
        ]
        for sent in result.already_sent:
            lines.append(
                _(
                    "The rent for %(month)s (%(amount)s) was already sent to the bank: it is still "
                    "collected on %(date)s."
                )
                % {
                    "month": _month_name(sent.month),
                    "amount": format_euros(sent.amount),
                    "date": _long_date(sent.date),
                }
            )
        lines += [
            _("From now on, please pay your rent yourself each month.")
            + " "
            + _how_to_transfer(result.payment_reference),
            "",
            _("Kind regards,"),
            settings.CORPORATION_NAME,
        ]
    return str(subject), "\n".join(str(line) for line in lines)


def _send(tenancy_id: int, user_id: int, kind: str, mandate_id: str, subject: str, body: str) -> None:
    """In the mandate's transaction: the confirmation goes through the outbox, sent after the commit."""
    recipients = _recipients(tenancy_id, user_id)
    if not recipients:
        return
    mail_enqueue(
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients),
        # A new mandate id for each signing or change; a mandate is cancelled once.
        key=f"mandate-{kind}:{tenancy_id}:{mandate_id}",
        on_sent="roer.ledger.services.mandates.mandate_confirmation_sent",
        on_sent_args={"tenancy_id": tenancy_id, "kind": kind},
    )


def mandate_confirmation_sent(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """The outbox sent the confirmation (its `on_sent` hook): journal it."""
    journal.record(
        activity="mandate_confirmation_sent",
        subjects=[SubjectRef(kind="tenancies.tenancy", id=str(args["tenancy_id"]))],
        channel=Channel.EMAIL,
        occurred_at=sent_at,
        facts={"kind": args["kind"]},
    )


def _send_confirmation(tenancy_id: int, user_id: int, kind: str, plan: MandatePlan, mandate_id: str) -> None:
    tenancy = Tenancy.objects.get(pk=tenancy_id)
    subject, body = confirmation_text(tenancy, kind, plan)
    _send(tenancy_id, user_id, kind, mandate_id, subject, body)


def _send_cancel_confirmation(tenancy_id: int, user_id: int, result: CancelResult) -> None:
    tenancy = Tenancy.objects.get(pk=tenancy_id)
    subject, body = cancel_text(tenancy, result)
    _send(tenancy_id, user_id, "cancelled", result.mandate_id, subject, body)
