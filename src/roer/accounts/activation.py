"""Tenant activation by letter: issue codes, check a code with the address, open the account.

DESIGN.md puts tenant activation in `accounts`, the ground floor, while the person and the address live in
`tenancies` one floor up. This module is the one place in `accounts` that reads `tenancies`; nothing else
in `accounts` imports it, and nothing in `tenancies` imports this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from roer.accounts.constants import (
    ACTIVATION_CODE_ALPHABET,
    ACTIVATION_CODE_DAYS,
    ACTIVATION_CODE_GROUP,
    ACTIVATION_CODE_LENGTH,
    ACTIVATION_MAX_ATTEMPTS,
    Role,
)
from roer.accounts.models import ActivationCode, User
from roer.accounts.services import user_create
from roer.core import journal
from roer.core.constants import Channel
from roer.core.subjects import SubjectRef
from roer.tenancies.models import Person, Tenancy, TenancyParty

logger = structlog.get_logger(__name__)

_DIGEST_SALT = "roer.accounts.activation_code"
CSV_COLUMNS = (
    "tenancy_reference",
    "name",
    "address_line_1",
    "address_line_2",
    "postcode",
    "city",
    "code",
    "valid_until",
)


# --- codes -------------------------------------------------------------------------------------------


def activation_code_generate() -> str:
    """Twelve characters from the unambiguous alphabet, grouped as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ACTIVATION_CODE_ALPHABET) for _ in range(ACTIVATION_CODE_LENGTH))
    return "-".join(raw[i : i + ACTIVATION_CODE_GROUP] for i in range(0, len(raw), ACTIVATION_CODE_GROUP))


def activation_code_normalize(code: str) -> str:
    """People type codes in lower case, with spaces or without the dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def activation_code_digest(code: str) -> str:
    """A keyed hash: without SECRET_KEY the table alone gives nothing to try codes against."""
    return salted_hmac(_DIGEST_SALT, activation_code_normalize(code), algorithm="sha256").hexdigest()


def postcode_normalize(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def house_number_normalize(house_number: str) -> str:
    return "".join(ch for ch in house_number.lower() if ch.isalnum())


# --- issuing -----------------------------------------------------------------------------------------


class IssueError(ValueError):
    """A bad argument: nothing was issued."""


@dataclass(frozen=True)
class LetterRow:
    tenancy_reference: str
    name: str
    address_line_1: str
    address_line_2: str
    postcode: str
    city: str
    code: str
    valid_until: str


@dataclass
class IssueResult:
    output: Path | None
    issued: int = 0
    revoked: int = 0
    skipped_with_account: int = 0
    skipped_deceased: int = 0
    tenancies: int = 0
    expires_on: dt.date | None = None
    code_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "output": str(self.output) if self.output else None,
            "issued": self.issued,
            "revoked": self.revoked,
            "skipped_with_account": self.skipped_with_account,
            "skipped_deceased": self.skipped_deceased,
            "tenancies": self.tenancies,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
        }


def _running_tenancies(day: dt.date) -> QuerySet[Tenancy]:
    return Tenancy.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def _parties_to_consider(
    *, tenancy_references: Sequence[str], all_without_account: bool, day: dt.date
) -> list[TenancyParty]:
    tenancies = _running_tenancies(day)
    if tenancy_references:
        wanted = sorted(set(tenancy_references))
        found = dict(Tenancy.objects.filter(reference__in=wanted).values_list("reference", "pk"))
        unknown = [ref for ref in wanted if ref not in found]
        if unknown:
            raise IssueError(f"unknown tenancy reference(s): {', '.join(unknown)}")
        running = set(tenancies.filter(pk__in=found.values()).values_list("reference", flat=True))
        ended = [ref for ref in wanted if ref not in running]
        if ended:
            raise IssueError(f"tenancy not running today: {', '.join(ended)}")
        tenancies = tenancies.filter(reference__in=wanted)
    elif not all_without_account:
        raise IssueError("say which tenancies: --tenancy REF (repeatable) or --all-without-account")
    return list(
        TenancyParty.objects.filter(tenancy__in=tenancies)
        .select_related("person", "tenancy__dwelling")
        .order_by("tenancy__reference", "role", "person_id")
    )


def _letter_row(party: TenancyParty, code: str, expires_on: dt.date) -> LetterRow:
    dwelling = party.tenancy.dwelling
    return LetterRow(
        tenancy_reference=party.tenancy.reference,
        name=party.person.name,
        address_line_1=f"{dwelling.street} {dwelling.house_number}",
        address_line_2=f"{dwelling.postcode}  {dwelling.city.upper()}",
        postcode=dwelling.postcode,
        city=dwelling.city,
        code=code,
        valid_until=expires_on.isoformat(),
    )


def _write_letters_csv(output: Path, rows: Iterable[LetterRow]) -> None:
    """Write next to the target and rename, readable by the owner only: the codes are in it."""
    fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=".activation-", suffix=".csv")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(CSV_COLUMNS)
            for row in rows:
                writer.writerow([getattr(row, column) for column in CSV_COLUMNS])
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def activation_codes_issue(
    *,
    tenancy_references: Sequence[str] = (),
    all_without_account: bool = False,
    output: Path | None,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> IssueResult:
    """A new code for each living main tenant and co-tenant without an account; the letters go to `output`.

    A person gets one code (for the first running tenancy found); an unused code they had is revoked.
    All or nothing: if the file cannot be written, no code is issued and no old code revoked.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    if output is not None:
        if output.exists():
            raise IssueError(f"{output} exists already; choose another file (the codes in it would be lost)")
        if not output.parent.is_dir():
            raise IssueError(f"no such folder: {output.parent}")
    parties = _parties_to_consider(
        tenancy_references=tenancy_references, all_without_account=all_without_account, day=day
    )
    expires_at = now + dt.timedelta(days=ACTIVATION_CODE_DAYS)
    result = IssueResult(output=output, expires_on=timezone.localdate(expires_at))
    rows: list[LetterRow] = []
    entries: list[journal.Entry] = []
    seen: set[int] = set()
    with transaction.atomic():
        person_ids = sorted({party.person_id for party in parties})
        # Lock the people in a fixed order: two runs at once cannot both issue a code to one person.
        persons = {
            p.pk: p for p in Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk")
        }
        for party in parties:
            person = persons[party.person_id]
            if person.pk in seen:
                continue
            seen.add(person.pk)
            if person.user_id is not None:
                result.skipped_with_account += 1
                continue
            if person.died_on is not None and person.died_on <= day:
                result.skipped_deceased += 1
                continue
            revoked = ActivationCode.objects.filter(
                person=person, used_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            code = activation_code_generate()
            record = ActivationCode.objects.create(
                person=person,
                tenancy=party.tenancy,
                digest=activation_code_digest(code),
                issued_at=now,
                expires_at=expires_at,
            )
            rows.append(_letter_row(party, code, result.expires_on or day))
            result.issued += 1
            result.revoked += revoked
            result.code_ids.append(record.pk)
            entries.append(
                journal.Entry(
                    activity="activation_code_issued",
                    subjects=[record, person, party.tenancy],
                    actor=by,
                    channel=Channel.LETTER,
                    facts={
                        "party_role": party.role,
                        "revoked_previous": revoked,
                        "valid_days": ACTIVATION_CODE_DAYS,
                    },
                    occurred_at=now,
                )
            )
        result.tenancies = len({row.tenancy_reference for row in rows})
        journal.record_many(entries)
        if output is not None and rows:
            _write_letters_csv(output, rows)
        elif output is not None:
            result.output = None
    logger.info(
        "activation_codes_issued",
        issued=result.issued,
        revoked=result.revoked,
        skipped_with_account=result.skipped_with_account,
        skipped_deceased=result.skipped_deceased,
    )
    return result


# --- activating --------------------------------------------------------------------------------------


class CheckOutcome(Enum):
    OK = "ok"
    NO_MATCH = "no_match"  # unknown code, or the address does not go with it: one answer for both
    BLOCKED = "blocked"  # too many wrong addresses with this code
    EXPIRED = "expired"
    USED = "used"  # used, revoked, or the person has an account already


@dataclass(frozen=True)
class ActivationCheck:
    outcome: CheckOutcome
    code_id: int | None = None


def _address_matches(code: ActivationCode, *, postcode: str, house_number: str) -> bool:
    dwelling = code.tenancy.dwelling
    return secrets.compare_digest(
        postcode_normalize(dwelling.postcode), postcode_normalize(postcode)
    ) and secrets.compare_digest(
        house_number_normalize(dwelling.house_number), house_number_normalize(house_number)
    )


def _usable(code: ActivationCode, now: dt.datetime) -> CheckOutcome:
    if code.attempts >= ACTIVATION_MAX_ATTEMPTS:
        return CheckOutcome.BLOCKED
    if code.used_at is not None or code.revoked_at is not None or code.person.user_id is not None:
        return CheckOutcome.USED
    if code.expires_at <= now:
        return CheckOutcome.EXPIRED
    return CheckOutcome.OK


def activation_code_check(*, code: str, postcode: str, house_number: str) -> ActivationCheck:
    """Does this code go with this address, and may it still be used? A wrong address counts against it.

    Whether a code has expired or was used is told only to someone who also knows the address; a blocked
    code says so to anyone who has it, which tells them nothing about the address.
    """
    now = timezone.now()
    with transaction.atomic():
        found = (
            ActivationCode.objects.select_for_update()
            .select_related("tenancy__dwelling", "person")
            .filter(digest=activation_code_digest(code))
            .first()
        )
        if found is None:
            # Nothing to count against. Limiting guesses per IP address is for the reverse proxy (docs).
            logger.info("activation_code_unknown")
            return ActivationCheck(CheckOutcome.NO_MATCH)
        if found.attempts >= ACTIVATION_MAX_ATTEMPTS:
            return ActivationCheck(CheckOutcome.BLOCKED, found.pk)
        if not _address_matches(found, postcode=postcode, house_number=house_number):
            found.attempts += 1
            found.save(update_fields=["attempts"])
            blocked = found.attempts >= ACTIVATION_MAX_ATTEMPTS
            journal.record(
                activity="activation_code_failed",
                subjects=[found],
                channel=Channel.PORTAL,
                facts={"attempts": found.attempts, "blocked": blocked},
            )
            logger.info("activation_code_failed", code_id=found.pk, attempts=found.attempts)
            return ActivationCheck(CheckOutcome.BLOCKED if blocked else CheckOutcome.NO_MATCH, found.pk)
        return ActivationCheck(_usable(found, now), found.pk)


def activation_code_still_usable(code_id: int) -> bool:
    code = ActivationCode.objects.select_related("person").filter(pk=code_id).first()
    return code is not None and _usable(code, timezone.now()) is CheckOutcome.OK


class ActivationRefused(ValueError):
    """The code can no longer be used (used meanwhile, expired, revoked)."""


class EmailInUse(ValueError):
    """Another account has this e-mail address (or username)."""


def email_in_use(email: str) -> bool:
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def tenant_account_activate(*, code_id: int, email: str, password: str) -> User:
    """Open the portal account of the code's person: a tenant user linked to the person; the code is used up.

    The caller has checked the code with the address (`activation_code_check`) moments before.
    """
    now = timezone.now()
    with transaction.atomic():
        code = ActivationCode.objects.select_for_update().filter(pk=code_id).first()
        if code is None:
            raise ActivationRefused("no such code")
        person = Person.objects.select_for_update().get(pk=code.person_id)
        code.person = person
        if _usable(code, now) is not CheckOutcome.OK:
            raise ActivationRefused("code no longer usable")
        email = email.strip()
        if email_in_use(email):
            raise EmailInUse(email)
        try:
            with transaction.atomic():
                user = user_create(
                    username=email.lower(), email=email, password=password, roles=[Role.TENANT]
                )
        except IntegrityError:
            # Someone took the address between the form's check and now.
            raise EmailInUse(email) from None
        person.user = user
        person.save(update_fields=["user"])
        code.used_at = now
        code.save(update_fields=["used_at"])
        journal.record(
            activity="account_activated",
            subjects=[
                user,
                person,
                SubjectRef(kind=Tenancy._meta.label_lower, id=str(code.tenancy_id)),
                code,
            ],
            actor=user,
            channel=Channel.PORTAL,
            facts={"code_age_days": (now - code.issued_at).days},
        )
    logger.info("account_activated", user_id=user.pk, code_id=code.pk)
    return user
