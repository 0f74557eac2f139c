"""Satisfaction after a repair: the tenant's grade (1 to 10), whether the problem is fixed, and their own
words — in the portal or through a signed link in the e-mail sent when the contractor reports the work done.

- `satisfaction_ask(request_id=)` queues that e-mail once per request (in `work_order_report`'s transaction;
  the outbox sends it after the commit).
- `grade_link_token` / `grade_link_read`: a `TimestampSigner` token for one request, valid 30 days. The
  token is the permission: the page behind it needs no sign-in and shows nothing personal.
- `satisfaction_record(...)` stores the grade, once per request: a second grade is refused (no edits; the
  first answer is the measurement). "Not fixed" puts the request back in the staff queue.

The comment is personal data and stays on `SatisfactionResponse`; the journal gets the grade, fixed or
not, and codes (trade, contractor id, urgency, intake channel) with the wizard and routing versions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from roer.core import helm, journal
from roer.core.constants import ActorKind, Channel
from roer.core.models import RuleVersion
from roer.core.outbox import mail_enqueue
from roer.repairs.constants import (
    GRADABLE_REQUEST_STATUSES,
    GRADE_MAX,
    GRADE_MIN,
    Handling,
    OrderResult,
    RequestStatus,
    SatisfactionChannel,
)
from roer.repairs.models import RepairRequest, SatisfactionResponse, WorkOrder
from roer.repairs.selectors import live_wizard
from roer.repairs.services import (
    RepairRefused,
    _is_tenant_actor,
    lock_request,
    recipients_of,
    set_request_status,
    tenancy_ref,
)
from roer.repairs.tree import WizardError
from roer.tenancies.models import TenancyParty

logger = structlog.get_logger(__name__)

LINK_SALT = "roer.repairs.satisfaction.grade-link"
LINK_VALID = dt.timedelta(days=30)
COMMENT_MAX = 2000
# Where the e-mail's link points when no public address is configured (the embedded demo).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class SatisfactionRefused(RepairRefused):
    """The grade cannot be taken; the message is for the tenant."""


class AlreadyGraded(SatisfactionRefused):
    """This request has a grade already: one per request, no changes afterwards."""


class GradeLinkInvalid(ValueError):
    """The link is not one we made (changed, cut off, or for a request that is gone)."""


class GradeLinkExpired(GradeLinkInvalid):
    """The link is ours but older than 30 days."""


@dataclass(frozen=True)
class GradeLinkHolder:
    """The journal's actor for a grade given through the e-mail link: a tenant without an account session
    (the token, not a sign-in, is the permission), so no user id."""

    pk: None = None
    journal_actor_kind: str = ActorKind.TENANT


LINK_HOLDER = GradeLinkHolder()


# --- the link ----------------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def grade_link_token(request: RepairRequest) -> str:
    """A signed token for this one request; `grade_link_read` accepts it for `LINK_VALID`."""
    return _signer().sign(str(request.pk))


def grade_link_read(token: str) -> RepairRequest:
    """The request a token was made for; `GradeLinkExpired` after 30 days, `GradeLinkInvalid` for anything
    else that is not a token of ours for an existing request."""
    try:
        value = _signer().unsign(token, max_age=LINK_VALID)
    except signing.SignatureExpired:
        raise GradeLinkExpired("the grade link has expired") from None
    except signing.BadSignature:
        raise GradeLinkInvalid("not a grade link") from None
    if not value.isdigit():
        raise GradeLinkInvalid("not a grade link")
    found = RepairRequest.objects.filter(pk=int(value)).first()
    if found is None:
        raise GradeLinkInvalid("the request of this link is gone")
    return found


def public_url() -> str:
    """The address tenants reach Roer at, for links in e-mail (setting `PUBLIC_URL`)."""
    return str(getattr(settings, "PUBLIC_URL", "") or DEFAULT_PUBLIC_URL).rstrip("/")


def grade_link_url(request: RepairRequest) -> str:
    return public_url() + reverse("portal:repairs-grade-link", args=[grade_link_token(request)])


# --- reads -----------------------------------------------------------------------------------------


def satisfaction_for(request: RepairRequest) -> SatisfactionResponse | None:
    return SatisfactionResponse.objects.filter(request_id=request.pk).first()


def done_order(request: RepairRequest) -> WorkOrder | None:
    """The order whose work was reported done last: the one the grade is about."""
    return (
        WorkOrder.objects.filter(request_id=request.pk, result=OrderResult.DONE)
        .select_related("contractor", "routing_version")
        .order_by("-completed_at", "-id")
        .first()
    )


def is_gradable(request: RepairRequest) -> bool:
    """The work is done (VERA TEC, FIN or AFG) and there is no grade yet."""
    return request.status in GRADABLE_REQUEST_STATUSES and satisfaction_for(request) is None


def problem_label(request: RepairRequest) -> str:
    _version, tree = live_wizard()
    try:
        return tree.problem(request.problem_id).label
    except WizardError:
        return request.problem_id


def done_on(request: RepairRequest) -> dt.date:
    """The day the work was reported done (else the day the request came in), in Amsterdam."""
    order = done_order(request)
    moment = order.completed_at if order is not None and order.completed_at else request.submitted_at
    return timezone.localtime(moment).date()


# --- asking: the e-mail ------------------------------------------------------------------------------


def satisfaction_text(request: RepairRequest, url: str) -> tuple[str, str]:
    """The subject and body of the e-mail that asks for a grade, in plain Dutch (B1)."""
    label = problem_label(request)
    with translation.override("nl"):
        day = formats.date_format(done_on(request), "j F Y")
        subject = _("Is your repair %(code)s done well?") % {"code": request.code}
        lines = [
            _("Hello,"),
            "",
            _("The contractor tells us the repair is done."),
            _("Your request: %(problem)s") % {"problem": label},
            _("Number: %(code)s") % {"code": request.code},
            _("Done on: %(day)s") % {"day": day},
            "",
            _("Is the problem fixed? And what grade do you give us, from 1 to 10?"),
            _("It takes one minute. You do not need to sign in:"),
            url,
            "",
            _("This link works for 30 days."),
            _("Is the problem not fixed? Say so with the link. One of our staff will then look at it."),
            "",
            _("Kind regards,"),
            _("Your housing corporation"),
        ]
    return str(subject), "\n".join(str(line) for line in lines)


def satisfaction_ask(*, request_id: int) -> bool:
    """Queue the e-mail with the link to grade the repair — once per request, only when the work is done
    and not graded yet. Returns whether this call queued it. Runs in `work_order_report`'s transaction; the
    outbox sends it after the commit, and `satisfaction_asked` records the real sending."""
    request = RepairRequest.objects.select_related("submitted_by").get(pk=request_id)
    if not is_gradable(request) or request.satisfaction_asked_at is not None:
        return False
    now = timezone.now()
    if any(hold.active_at(now) for hold in helm.holds_on(request)):
        # A person has the helm on this request: no automated e-mail while they do.
        logger.info("satisfaction_ask_held", request_id=request.pk)
        return False
    recipients = recipients_of(request)
    if not recipients:
        return False
    subject, body = satisfaction_text(request, grade_link_url(request))
    # The outbox key makes it once: two callers at once, or a later order of the same request, queue nothing.
    queued = mail_enqueue(
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients),
        key=f"repair-satisfaction:{request.pk}",
        on_sent="roer.repairs.satisfaction.satisfaction_asked",
        # The status when asked, for the journal: the e-mail may leave after the request moved on.
        on_sent_args={"request_id": request.pk, "status": request.status},
    )
    if queued:
        logger.info("satisfaction_ask_queued", request_id=request.pk)
    return queued


def satisfaction_asked(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """The outbox sent the e-mail with the grade link (its `on_sent` hook): record when, and journal it."""
    request = RepairRequest.objects.get(pk=args["request_id"])
    RepairRequest.objects.filter(pk=request.pk).update(satisfaction_asked_at=sent_at)
    journal.record(
        activity="satisfaction_asked",
        subjects=[request, tenancy_ref(request)],
        channel=Channel.EMAIL,
        rule_versions=[request.wizard_version],
        occurred_at=sent_at,
        facts={"status": args["status"], "link_valid_days": LINK_VALID.days},
    )
    logger.info("satisfaction_asked", request_id=request.pk)


# --- recording the grade -------------------------------------------------------------------------------


def _check_grade(grade: Any) -> int:
    if isinstance(grade, bool) or not isinstance(grade, int) or not GRADE_MIN <= grade <= GRADE_MAX:
        raise SatisfactionRefused(
            _("Give a grade from %(low)d to %(high)d.") % {"low": GRADE_MIN, "high": GRADE_MAX}
        )
    return grade


def satisfaction_record(
    *,
    request: RepairRequest,
    grade: int,
    fixed: bool,
    comment: str = "",
    by: Any,
    channel: SatisfactionChannel | str,
    now: dt.datetime | None = None,
) -> SatisfactionResponse:
    """Store the tenant's grade for a request whose work is done (VERA TEC, FIN or AFG).

    Once per request: a second grade raises `AlreadyGraded` (the first answer stands; it is the
    measurement, and the comment can be followed up by a person). A tenant signed in grades only their own
    tenancy's request; through the e-mail link `by` is `LINK_HOLDER` and the token was the permission.

    Journals `satisfaction_recorded` (grade, fixed, codes, no comment). Not fixed: the request goes back to
    the staff queue (VERA INB, `Handling.STAFF_QUEUE`), journaled as `repair_request_reopened`, so a person
    decides — another visit, another contractor, or an explanation."""
    channel = SatisfactionChannel(channel)
    grade = _check_grade(grade)
    if not isinstance(fixed, bool):
        raise SatisfactionRefused(_("Say whether the problem is fixed."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise SatisfactionRefused(_("Write at most %(n)d characters.") % {"n": COMMENT_MAX})
    if (
        _is_tenant_actor(by)
        and by is not LINK_HOLDER
        and not TenancyParty.objects.filter(tenancy_id=request.tenancy_id, person__user=by).exists()
    ):
        raise PermissionDenied("a tenant grades repairs of their own tenancy only")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _record(
                request=request, grade=grade, fixed=fixed, comment=comment, by=by, channel=channel, now=now
            )
    except IntegrityError:
        # Two grades at once for the same request: the other one won.
        if SatisfactionResponse.objects.filter(request_id=request.pk).exists():
            raise AlreadyGraded(_("You have already graded this repair. Thank you.")) from None
        raise


def _record(
    *,
    request: RepairRequest,
    grade: int,
    fixed: bool,
    comment: str,
    by: Any,
    channel: SatisfactionChannel,
    now: dt.datetime,
) -> SatisfactionResponse:
    request = lock_request(request)
    if SatisfactionResponse.objects.filter(request_id=request.pk).exists():
        raise AlreadyGraded(_("You have already graded this repair. Thank you."))
    if request.status not in GRADABLE_REQUEST_STATUSES:
        raise SatisfactionRefused(_("You can give a grade once the work is done."))
    order = done_order(request)
    response = SatisfactionResponse.objects.create(
        request=request,
        grade=grade,
        fixed=fixed,
        comment=comment,
        channel=channel,
        answered_at=now,
        problem_id=request.problem_id,
        trade=(order.trade if order is not None else request.trade) or "",
        contractor=order.contractor if order is not None else None,
        wizard_version=request.wizard_version,
        routing_version=order.routing_version if order is not None else None,
        intake_channel=request.channel,
        urgency=request.urgency,
    )
    versions: list[RuleVersion] = [request.wizard_version]
    if order is not None:
        versions.append(order.routing_version)
    done_at = order.completed_at if order is not None else None
    journal.record(
        activity="satisfaction_recorded",
        subjects=[response, request, tenancy_ref(request)],
        actor=by,
        channel=channel.value,
        rule_versions=versions,
        occurred_at=now,
        facts={
            "grade": grade,
            "fixed": fixed,
            "has_comment": bool(comment),
            "problem_id": request.problem_id,
            "trade": response.trade or None,
            "contractor_id": order.contractor_id if order is not None else None,
            "urgency": request.urgency or None,
            "intake_channel": request.channel,
            "handling": request.handling,
            "status": request.status,
            "days_after_done": (now - done_at).days if done_at else None,
        },
    )
    if not fixed:
        handling_before = request.handling
        request.handling = Handling.STAFF_QUEUE
        before = set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        journal.record(
            activity="repair_request_reopened",
            subjects=[request, tenancy_ref(request)],
            rule_versions=versions,
            occurred_at=now,
            facts={
                "reason": "not_fixed",
                "from": before,
                "to": request.status,
                "handling_from": handling_before,
                "handling_to": request.handling,
                "grade": grade,
            },
        )
    logger.info("satisfaction_recorded", request_id=request.pk, grade=grade, fixed=fixed)
    return response
