"""Early warning to the municipality (vroegsignalering): the four legal preconditions, objections, signals
and the monthly export.

Besluit gemeentelijke schuldhulpverlening (BWBR0043850) art. 2: the landlord passes the tenant's contact
details and the arrears to the municipality once it has (a) tried to make personal contact, (b) pointed the
tenant to debt help, (c) sent a written reminder that (d) offered to pass on the data, and the tenant did
not object. Steps a-c are kept per arrears episode (`Episode`); the objection belongs to the tenant and is
kept per tenancy (`EarlyWarningObjection`), with or without arrears, until it is withdrawn. An objection
stops only the signal: the steps the corporation took stay taken (and a bailiff may follow them).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.arrears import selectors_arrangements as queries
from roer.arrears.models import EarlyWarningObjection, EarlyWarningSignal, Episode
from roer.arrears.policy import Policy
from roer.arrears.selectors import precondition_evidence, standing_objections
from roer.core import journal
from roer.core.dates import local_date
from roer.core.files import write_atomically
from roer.core.subjects import SubjectRef
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy

if TYPE_CHECKING:
    from roer.accounts.models import User

logger = structlog.get_logger(__name__)

# Who may record an objection besides the tenant: the staff who talk to tenants.
OBJECTION_RECORDERS: tuple[Role, ...] = (
    Role.SOCIAL_MANAGER,
    Role.CUSTOMER_SERVICE,
    Role.COLLECTIONS_OFFICER,
)
# Who may record that contact was attempted or debt help pointed out.
PRECONDITION_RECORDERS: tuple[Role, ...] = (
    Role.SOCIAL_MANAGER,
    Role.CUSTOMER_SERVICE,
    Role.COLLECTIONS_OFFICER,
)

EXPORT_COLUMNS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "birth_date",
    "phone",
    "email",
    "arrears_amount",
    "arrears_since",
    "reported_on",
    "reporting_partner",
)
# A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class EarlyWarningError(ValueError):
    """The step cannot be taken; the message says why."""


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


# --- when a signal is due (pure) -------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeFacts:
    """The early-warning facts of one arrears episode."""

    contact_attempted_on: dt.date | None = None
    debt_help_pointed_on: dt.date | None = None
    early_warning_offered_on: dt.date | None = None
    early_warning_objected_on: dt.date | None = None
    early_warning_sent_on: dt.date | None = None
    reminder_sent_on: dt.date | None = None
    personal_message_sent_on: dt.date | None = None

    @classmethod
    def of(cls, episode: Episode, *, objected_on: dt.date | None = None) -> EpisodeFacts:
        """The episode's facts; `objected_on`: the tenant's objection standing on the day looked at."""
        return cls(
            contact_attempted_on=episode.contact_attempted_on,
            debt_help_pointed_on=episode.debt_help_pointed_on,
            early_warning_offered_on=episode.early_warning_offered_on,
            early_warning_objected_on=objected_on,
            early_warning_sent_on=episode.early_warning_sent_on,
            reminder_sent_on=episode.reminder_sent_on,
            personal_message_sent_on=episode.personal_message_sent_on,
        )

    def seen(self, as_of: dt.date) -> EpisodeFacts:
        """The facts as they were known on `as_of`: later dates are not yet seen (replay)."""

        def until(day: dt.date | None) -> dt.date | None:
            return day if day is not None and day <= as_of else None

        return EpisodeFacts(
            contact_attempted_on=until(self.contact_attempted_on),
            debt_help_pointed_on=until(self.debt_help_pointed_on),
            early_warning_offered_on=until(self.early_warning_offered_on),
            early_warning_objected_on=until(self.early_warning_objected_on),
            early_warning_sent_on=until(self.early_warning_sent_on),
            reminder_sent_on=until(self.reminder_sent_on),
            personal_message_sent_on=until(self.personal_message_sent_on),
        )

    def missing_preconditions(self) -> list[str]:
        """The legal steps (a-c) not yet taken, in plain words."""
        missing = []
        if self.contact_attempted_on is None:
            missing.append(_("No attempt at personal contact yet"))
        if self.debt_help_pointed_on is None:
            missing.append(_("The tenant has not yet been pointed to debt help"))
        if self.early_warning_offered_on is None:
            missing.append(_("No reminder yet that offered to pass the data to the municipality"))
        return missing


def early_warning_due(
    episode_facts: EpisodeFacts, policy: Policy, as_of: dt.date, arrangement_active: bool
) -> tuple[bool, list[str]]:
    """Is the signal to the municipality due on `as_of`? With the reasons in plain words.

    Due when the three steps were taken, the tenant did not object, no signal was sent in this episode, the
    policy's days after the first written reminder have passed, and either no arrangement is being kept or
    the policy signals during arrangements (`signal_during_arrangement`).
    """
    facts = episode_facts.seen(as_of)
    if facts.early_warning_objected_on is not None:
        return False, [
            _("The tenant objected on %(date)s: no signal to the municipality")
            % {"date": _long_date(facts.early_warning_objected_on)}
        ]
    if facts.early_warning_sent_on is not None:
        return False, [
            _("The signal was passed to the municipality on %(date)s")
            % {"date": _long_date(facts.early_warning_sent_on)}
        ]
    missing = facts.missing_preconditions()
    if missing:
        return False, missing
    if arrangement_active and not policy.early_warning.signal_during_arrangement:
        return False, [_("A payment arrangement is being kept: no signal while it runs (policy)")]
    written = [
        d
        for d in (facts.reminder_sent_on, facts.personal_message_sent_on, facts.early_warning_offered_on)
        if d is not None
    ]
    due_from = min(written) + dt.timedelta(days=policy.early_warning.days_after_reminder)
    if as_of < due_from:
        return False, [_("The signal can follow from %(date)s") % {"date": _long_date(due_from)}]
    reasons = [
        _(
            "The legal conditions for the early-warning signal to the municipality are met; "
            "the tenant did not object"
        )
    ]
    if arrangement_active:
        reasons.append(_("A payment arrangement runs; the policy signals during arrangements"))
    return True, reasons


# --- the preconditions -----------------------------------------------------------------------------


def _require_role(by: Any, roles: tuple[Role, ...]) -> None:
    if by is None or not by.has_role(*roles):
        raise PermissionDenied(_("You may not record this step."))


def _set_first(episode: Episode, field: str, on: dt.date) -> bool:
    """Keep the earliest date: a step taken once stays taken. Whether the field changed."""
    current = getattr(episode, field)
    if current is not None and current <= on:
        return False
    setattr(episode, field, on)
    episode.save(update_fields=[field])
    return True


def _precondition(
    *, episode: Episode, field: str, on: dt.date, by: Any, activity: str, source: str
) -> Episode:
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if on < episode.opened_on:
            raise EarlyWarningError(_("This step lies before the arrears began."))
        if _set_first(episode, field, on):
            journal.record(
                activity=activity,
                subjects=[episode.tenancy, episode],
                actor=by,
                facts={"on": on, "source": source},
            )
    return episode


def early_warning_contact_attempted(*, episode: Episode, on: dt.date, by: User) -> Episode:
    """Precondition a: a person tried to make personal contact about the arrears."""
    _require_role(by, PRECONDITION_RECORDERS)
    return _precondition(
        episode=episode,
        field="contact_attempted_on",
        on=on,
        by=by,
        activity="early_warning_contact_attempted",
        source="recorded",
    )


def early_warning_debt_help_pointed(*, episode: Episode, on: dt.date, by: User | None) -> Episode:
    """Precondition b: the tenant was pointed to debt help (schuldhulpverlening). `by` a person who did it
    (a role that talks to tenants), or None: a letter the system sent pointed to it."""
    if by is not None:
        _require_role(by, PRECONDITION_RECORDERS)
    return _precondition(
        episode=episode,
        field="debt_help_pointed_on",
        on=on,
        by=by,
        activity="early_warning_debt_help_pointed",
        source="recorded" if by is not None else "letter",
    )


def early_warning_offer_recorded(*, episode: Episode, on: dt.date) -> Episode:
    """Preconditions c and d: a written reminder offered to pass the data on. The nightly run calls this
    when a letter carrying the offer (the reminder, or a personal message with the offer) was sent."""
    return _precondition(
        episode=episode,
        field="early_warning_offered_on",
        on=on,
        by=None,
        activity="early_warning_offered",
        source="letter",
    )


def _sync(episodes: list[Episode], as_of: dt.date) -> int:
    """Fill preconditions a and b from casework's evidence (see `precondition_evidence`); how many episodes
    changed. Reads in bulk; writes (journaled) only what is new."""
    changed = 0
    evidence = precondition_evidence(episodes=episodes, as_of=as_of)
    for episode in episodes:
        found = evidence.get(episode.pk)
        if found is None:
            continue
        before = (episode.contact_attempted_on, episode.debt_help_pointed_on)
        if found.contact_attempted_on is not None and episode.contact_attempted_on is None:
            episode = _precondition(
                episode=episode,
                field="contact_attempted_on",
                on=found.contact_attempted_on,
                by=None,
                activity="early_warning_contact_attempted",
                source="casework",
            )
        if found.debt_help_pointed_on is not None and episode.debt_help_pointed_on is None:
            episode = _precondition(
                episode=episode,
                field="debt_help_pointed_on",
                on=found.debt_help_pointed_on,
                by=None,
                activity="early_warning_debt_help_pointed",
                source="casework",
            )
        changed += (episode.contact_attempted_on, episode.debt_help_pointed_on) != before
    return changed


def early_warning_preconditions_sync(*, episode: Episode, as_of: dt.date) -> Episode:
    """Derive preconditions a and b from casework: a call, visit or desk talk (tried or not) about the
    arrears since the episode opened is an attempt at personal contact; a referral to debt help in the open
    case points the tenant to it. Only fills dates not yet recorded; safe to call every night."""
    _sync([episode], as_of)
    return Episode.objects.get(pk=episode.pk)


def early_warning_preconditions_sync_all(*, as_of: dt.date) -> int:
    """`early_warning_preconditions_sync` for every open episode still missing a or b, reading casework in
    bulk (the nightly run calls this first); how many episodes changed."""
    episodes = list(queries.episodes_missing_contact().filter(opened_on__lte=as_of).order_by("id"))
    changed = _sync(episodes, as_of)
    if changed:
        logger.info("early_warning_preconditions_synced", as_of=str(as_of), changed=changed)
    return changed


# --- objections ------------------------------------------------------------------------------------


def _require_objection_recorder(tenancy: Tenancy, by: Any) -> None:
    if not queries.is_party_user(tenancy, by) and not (by is not None and by.has_role(*OBJECTION_RECORDERS)):
        raise PermissionDenied(_("You may not record an objection for this tenant."))


def _signal_state(tenancy_id: int) -> tuple[bool, bool]:
    """(a signal of the open episode waits for the export, one was exported already)."""
    signal = EarlyWarningSignal.objects.filter(tenancy_id=tenancy_id, episode__closed_on__isnull=True).first()
    if signal is None:
        return False, False
    return signal.exported_at is None, signal.exported_at is not None


def early_warning_objection_record(*, tenancy: Tenancy, by: User, on: dt.date) -> EarlyWarningObjection:
    """The tenant objects to passing their data on. The objection belongs to the tenancy, with or without
    arrears now: while it stands no signal is made, and a signal made but not yet exported is withheld from
    the export. An objection that is not withdrawn already covers `on` onwards: it is returned as it is."""
    _require_objection_recorder(tenancy, by)
    with transaction.atomic():
        # Lock the tenancy row, so that two clicks at once make one objection.
        Tenancy.objects.select_for_update().filter(pk=tenancy.pk).first()
        standing = (
            EarlyWarningObjection.objects.filter(tenancy=tenancy, objected_on__lte=on)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
            .order_by("objected_on", "id")
            .first()
        )
        if standing is not None:
            return standing
        objection = EarlyWarningObjection.objects.create(tenancy=tenancy, objected_on=on, recorded_by=by)
        withheld, after_export = _signal_state(tenancy.pk)
        journal.record(
            activity="early_warning_objected",
            subjects=[tenancy, objection],
            actor=by,
            facts={"on": on, "signal_withheld": withheld, "after_export": after_export},
        )
    logger.info("early_warning_objected", tenancy_id=tenancy.pk, objection_id=objection.pk)
    return objection


def early_warning_objection_withdraw(
    *, objection: EarlyWarningObjection, by: User, on: dt.date
) -> EarlyWarningObjection:
    """The tenant withdraws the objection from `on`: from that day a signal may be made (and one withheld
    may be exported) when the legal steps were taken."""
    with transaction.atomic():
        objection = (
            EarlyWarningObjection.objects.select_for_update().select_related("tenancy").get(pk=objection.pk)
        )
        _require_objection_recorder(objection.tenancy, by)
        if objection.withdrawn_on is not None:
            return objection
        if on < objection.objected_on:
            raise EarlyWarningError(_("An objection cannot be withdrawn before it was made."))
        objection.withdrawn_on = on
        objection.withdrawn_by = by
        objection.save(update_fields=["withdrawn_on", "withdrawn_by"])
        journal.record(
            activity="early_warning_objection_withdrawn",
            subjects=[objection.tenancy, objection],
            actor=by,
            facts={"on": on, "objected_on": objection.objected_on},
        )
    logger.info("early_warning_objection_withdrawn", objection_id=objection.pk)
    return objection


def objection_standing_on(tenancy_id: int, day: dt.date) -> dt.date | None:
    """The day the tenant's objection standing on `day` was made, or None."""
    return standing_objections(ids=[tenancy_id], day=day).get(tenancy_id)


# --- signals ---------------------------------------------------------------------------------------


def early_warning_signal_create(
    *, episode: Episode, on: dt.date, arrears_amount: Decimal, arrears_since: dt.date
) -> EarlyWarningSignal:
    """Make the signal for an episode (the nightly run calls this when `early_warning_due` says so).

    Refuses while a precondition is unmet or the tenant objected; one signal per episode, so calling it
    again returns the signal already made. Sets `early_warning_sent_on`: the day the signal was made.
    """
    with transaction.atomic():
        episode = Episode.objects.select_for_update().select_related("tenancy").get(pk=episode.pk)
        existing = EarlyWarningSignal.objects.filter(episode=episode).first()
        if existing is not None:
            return existing
        facts = EpisodeFacts.of(episode, objected_on=objection_standing_on(episode.tenancy_id, on)).seen(on)
        if facts.early_warning_objected_on is not None:
            raise EarlyWarningError(_("The tenant objected: no signal to the municipality."))
        missing = facts.missing_preconditions()
        if missing:
            raise EarlyWarningError("; ".join(missing))
        if arrears_amount <= 0:
            raise EarlyWarningError(_("There are no arrears to signal."))
        signal = EarlyWarningSignal.objects.create(
            tenancy=episode.tenancy,
            episode=episode,
            reported_on=on,
            arrears_amount=arrears_amount,
            arrears_since=arrears_since,
        )
        if episode.early_warning_sent_on is None:
            episode.early_warning_sent_on = on
            episode.save(update_fields=["early_warning_sent_on"])
        journal.record(
            activity="early_warning_signalled",
            subjects=[episode.tenancy, episode, signal],
            facts={"reported_on": on, "arrears": arrears_amount, "arrears_since": arrears_since},
        )
    return signal


# --- the export ------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class ExportResult:
    month: str
    output: Path
    count: int  # rows in the file
    new: int  # rows exported for the first time
    withheld: int  # signals left out because the tenant objected
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "output": str(self.output),
            "count": self.count,
            "new": self.new,
            "already_exported": self.count - self.new,
            "withheld_objection": self.withheld,
            "sha256": self.sha256,
        }


def default_export_path(month: dt.date) -> Path:
    return Path(settings.EXPORT_DIR) / f"early-warning-{month:%Y-%m}.csv"


def _row(signal: EarlyWarningSignal) -> list[str]:
    tenancy = signal.tenancy
    dwelling = tenancy.dwelling
    parties = sorted(
        (p for p in tenancy.parties.all() if p.role == PartyRole.TENANT), key=lambda p: p.pk
    ) or sorted(tenancy.parties.all(), key=lambda p: p.pk)
    person = parties[0].person if parties else None
    text = [
        person.name if person else "",
        dwelling.street,
        dwelling.house_number,
        dwelling.postcode,
        dwelling.city,
    ]
    birth = person.birth_date.isoformat() if person and person.birth_date else ""
    contact = [person.phone if person else "", person.email if person else ""]
    return [
        *(neutralise(v) for v in text),
        birth,
        *(neutralise(v) for v in contact),
        f"{signal.arrears_amount:.2f}",
        signal.arrears_since.isoformat(),
        signal.reported_on.isoformat(),
        neutralise(str(settings.CORPORATION_NAME)),
    ]


def early_warning_export(
    *, month: dt.date, output: Path | None = None, now: dt.datetime | None = None
) -> ExportResult:
    """Write the month's signals as CSV (the columns of EXPORT_COLUMNS) and mark the new ones exported.

    The file holds every signal reported in the month whose tenant did not object, in a fixed order, so
    exporting the month again writes the same file. The file is written before the transaction commits: if
    writing fails, no signal is marked exported.
    """
    month = month.replace(day=1)
    output = output or default_export_path(month)
    now = now or timezone.now()
    with transaction.atomic():
        signals = queries.signals_of_month(month)
        # An objection standing on the day of the export withholds the signal; withdrawn, it goes out.
        objected = standing_objections(ids=[s.tenancy_id for s in signals], day=local_date(now))
        withheld = [s for s in signals if s.tenancy_id in objected]
        rows = [s for s in signals if s.tenancy_id not in objected]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for signal in rows:
            writer.writerow(_row(signal))
        content = buffer.getvalue().encode("utf-8")
        new = [s.pk for s in rows if s.exported_at is None]
        if new:
            EarlyWarningSignal.objects.filter(pk__in=new).update(exported_at=now)
        journal.record(
            activity="early_warning_exported",
            subjects=[SubjectRef(kind="arrears.earlywarningexport", id=f"{month:%Y-%m}"), *rows],
            occurred_at=now,
            facts={"month": f"{month:%Y-%m}", "count": len(rows), "new": len(new), "withheld": len(withheld)},
        )
        write_atomically(output, content)
    result = ExportResult(
        month=f"{month:%Y-%m}",
        output=output,
        count=len(rows),
        new=len(new),
        withheld=len(withheld),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    logger.info("early_warning_exported", month=result.month, count=result.count, new=result.new)
    return result
