"""The people in the loop, simulated minimally and the same way in both arms.

Every working day, before the night's run:
- the social manager calls the tenant of each open case `call_after` working days after the case
  opened (logged through `casework.services.contact_log`). A call reaches the household with the chance
  `reach` (`tenants.answers`: drawn per household and day, the same draw in both arms; 1 by default, so
  every call is answered). What happens next depends on why the run opened the case, judged from the
  run's decision on the day it opened:
  - the schedule's contact attempt (the reminder did not help by `second_contact_days`): the call is the
    attempt, answered or not; the case is closed right after it and the schedule goes on;
  - a social case (opened before that day: unusual arrears, a death, a data error; or the episode got a
    personal message): the social manager calls again every `retry_after` working days until the
    household answers, and then keeps the case open while the arrears are unpaid, up to `close_after`
    working days after the answered call (a quarterly review), or `close_after` working days after it
    opened when nobody ever answered; if the arrears are still unusual the run opens a new case, and the
    social manager calls again;
  a case whose arrears were paid is closed (outcome "paid", or "not needed" before anyone answered);
- on an answered call, a household that tells of a life event in the last year (the simulation's ground
  truth, `tenants.tells_of_a_life_event`) is offered a payment arrangement — up to 6 monthly instalments of
  at least € 100, on the 15th — which a person approves at once; the household keeps it from the next day
  (`tenants.keep_arrangement`). A contact-attempt case is then closed with "arrangement made";
- the simulated world has its own talks about money (since the demo writes contact moments: a tenant who
  calls about an arrangement after a life event, a call of the corporation's): on such an answered talk
  with a household in arrears, the person offers the same arrangement, on the same terms, in both arms;
- a collections officer approves a final notice that waits for review (growing arrears)
  `approve_after` working days after the run first put it in the review queue;
- bailiff proposals are counted, never approved or rejected.

Nobody else arranges payments, and nobody waives costs or holds the automation. With the default `reach`
of 1 every call is answered in both arms: an assumption that favours the baseline, whose single day-21
call would in practice often go unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Q

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.arrears.constants import ArrangementStatus, Route
from roer.arrears.evaluation import tenants
from roer.arrears.models import Arrangement, Episode, RunDecision
from roer.arrears.selectors import PERSONAL_CHANNELS, PERSONAL_TOPICS
from roer.arrears.selectors_arrangements import arrears_on
from roer.arrears.services.arrangements import arrangement_decide, arrangement_propose, equal_instalments
from roer.casework import services as casework_services
from roer.casework.constants import CaseOutcome, CaseStatus, ContactTopic, Direction
from roer.casework.models import Case, ContactMoment
from roer.core.constants import Channel
from roer.core.dates import (
    AMSTERDAM,
    add_months,
    add_working_days,
    is_working_day,
    local_date,
    start_of_day,
)
from roer.tenancies.models import Tenancy

WORKING_HOURS = dt.time(10, 0)
MAX_INSTALMENTS = 6  # the self-service policy's maximum (DOMAIN.md, Wooninvest)
MIN_INSTALMENT = Decimal("100")
INSTALMENT_DAY = 15


@dataclass(frozen=True)
class Staffing:
    call_after: int = 2  # working days from a case opening to the social manager's call
    close_after: int = 60  # working days from the call to closing an unpaid social case
    approve_after: int = 3  # working days from "waits for review" to the officer's approval
    retry_after: int = 5  # working days between calls of a social case nobody answered
    reach: float = 1.0  # the chance that a call is answered

    def as_dict(self) -> dict[str, float]:
        return {
            "call_after_working_days": self.call_after,
            "close_after_working_days": self.close_after,
            "approve_after_working_days": self.approve_after,
            "retry_after_working_days": self.retry_after,
            "reach": self.reach,
        }


def first_instalment_day(day: dt.date) -> dt.date:
    """The first 15th at least three days after `day` (mid-month: never mistaken for next month's rent)."""
    soon = day + dt.timedelta(days=3)
    if soon.day <= INSTALMENT_DAY:
        return soon.replace(day=INSTALMENT_DAY)
    return add_months(soon.replace(day=1), 1).replace(day=INSTALMENT_DAY)


def _staff(username: str, role: Role) -> User:
    user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
    if user is not None:
        return user
    user, _ = User.objects.get_or_create(username=username, defaults={"is_active": True})
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    return user


@dataclass
class People:
    staffing: Staffing = field(default_factory=Staffing)
    final_notice_days: int = 35  # the policy's day for the final notice: review waits only from then
    second_contact_days: int = 21  # the policy's day for the schedule's contact attempt
    until: dt.date | None = None  # the last replayed day: how far a kept arrangement rewrites the ledger
    counts: Counter[str] = field(default_factory=Counter)
    _arranged: set[int] = field(default_factory=set)  # cases in which an arrangement was made
    _worked_until: dt.date | None = None  # the last working day whose talks were read
    _review_since: dict[int, dt.date] = field(default_factory=dict)
    _social: dict[int, bool] = field(default_factory=dict)  # case id: a social case, not a contact attempt
    _social_manager: User | None = None
    _officer: User | None = None

    def _users(self) -> tuple[User, User]:
        if self._social_manager is None or self._officer is None:
            self._social_manager = _staff("evaluatie.sociaal", Role.SOCIAL_MANAGER)
            self._officer = _staff("evaluatie.incasso", Role.COLLECTIONS_OFFICER)
        return self._social_manager, self._officer

    def work(self, day: dt.date) -> None:
        """What the people do on `day`, during office hours, before the night's run for `day`."""
        if not is_working_day(day):
            return
        social_manager, officer = self._users()
        moment = dt.datetime.combine(day, WORKING_HOURS, tzinfo=AMSTERDAM)
        self._casework(day, moment, social_manager)
        self._their_calls(day, moment, social_manager)
        self._reviews(day, officer)

    def _casework(self, day: dt.date, moment: dt.datetime, social_manager: User) -> None:
        cases = list(Case.objects.filter(status=CaseStatus.OPEN).select_related("tenancy"))
        if not cases:
            return
        tenancy_ids = [case.tenancy_id for case in cases]
        owing = set(
            Episode.objects.filter(tenancy_id__in=tenancy_ids, closed_on__isnull=True).values_list(
                "tenancy_id", flat=True
            )
        )
        answered: dict[int, dt.date] = {}  # case id: the first answered call
        tried: dict[int, dt.date] = {}  # case id: the last call
        for case_id, happened_at, succeeded in ContactMoment.objects.filter(
            case_id__in=[case.pk for case in cases], channel=Channel.PHONE
        ).values_list("case_id", "happened_at", "succeeded"):
            on = local_date(happened_at)
            tried[case_id] = max(on, tried.get(case_id, on))
            if succeeded:
                answered[case_id] = min(on, answered.get(case_id, on))
        for case in cases:
            reached = answered.get(case.pk)
            opened = local_date(case.opened_at)
            if case.tenancy_id not in owing:
                outcome = CaseOutcome.PAID if reached else CaseOutcome.NOT_NEEDED
                if case.pk in self._arranged:
                    outcome = CaseOutcome.ARRANGEMENT_MADE
                self._close(case, social_manager, outcome, moment)
            elif reached is None:
                last = tried.get(case.pk)
                due = add_working_days(
                    opened if last is None else last,
                    self.staffing.call_after if last is None else self.staffing.retry_after,
                )
                if day >= due:
                    self._call(case, day, moment, social_manager)
                elif day >= add_working_days(opened, self.staffing.close_after):
                    self._close(case, social_manager, CaseOutcome.NO_CONTACT, moment)
            elif day >= add_working_days(reached, self.staffing.close_after):
                outcome = CaseOutcome.ARRANGEMENT_MADE if case.pk in self._arranged else CaseOutcome.OTHER
                self._close(case, social_manager, outcome, moment)

    def _call(self, case: Case, day: dt.date, moment: dt.datetime, social_manager: User) -> None:
        answered = tenants.answers(case.tenancy_id, day, reach=self.staffing.reach)
        casework_services.contact_log(
            tenancy=case.tenancy,
            by=social_manager,
            channel=Channel.PHONE,
            direction=Direction.OUTGOING,
            succeeded=answered,
            topic=ContactTopic.ARREARS,
            summary="Simulatie: gebeld over de achterstand" if answered else "Simulatie: geen gehoor",
            happened_at=moment,
            case=case,
        )
        self.counts["calls" if answered else "calls_unanswered"] += 1
        arranged = answered and self._arrange(case, day, moment, social_manager)
        if not self._is_social(case):
            if arranged:
                outcome = CaseOutcome.ARRANGEMENT_MADE
            else:
                outcome = CaseOutcome.OTHER if answered else CaseOutcome.NO_CONTACT
            self._close(case, social_manager, outcome, moment)

    def _arrange(self, case: Case, day: dt.date, moment: dt.datetime, social_manager: User) -> bool:
        """Offer an arrangement on the call; the household agrees when it tells of a life event."""
        arranged = self._offer(case.tenancy, day, moment, social_manager)
        if arranged:
            self._arranged.add(case.pk)
        return arranged

    def _offer(self, tenancy: Tenancy, day: dt.date, moment: dt.datetime, social_manager: User) -> bool:
        if self.until is None or not tenants.tells_of_a_life_event(tenancy.pk, day):
            return False
        running = (ArrangementStatus.REQUESTED, ArrangementStatus.ACTIVE, ArrangementStatus.FROZEN)
        if Arrangement.objects.filter(tenancy=tenancy, status__in=running).exists():
            return False
        total = arrears_on(tenancy.pk, day)
        if total <= 0:
            return False
        count = min(MAX_INSTALMENTS, max(1, int(total // MIN_INSTALMENT)))
        arrangement = arrangement_propose(
            tenancy=tenancy,
            instalments=equal_instalments(total, count, first_instalment_day(day)),
            start_date=day,
            by=social_manager,
            now=moment,
        )
        arrangement_decide(arrangement=arrangement, by=social_manager, approve=True, now=moment)
        tenants.keep_arrangement(arrangement, day=day, until=self.until)
        self.counts["arrangements"] += 1
        return True

    def _their_calls(self, day: dt.date, moment: dt.datetime, social_manager: User) -> None:
        """The simulated world's own talks about money since the last working day (a tenant who calls about
        an arrangement, a call of the corporation's that the simulation wrote): the person on the line
        offers an arrangement as on the arm's own calls. The same talks, and offers, in both arms."""
        since = self._worked_until
        self._worked_until = day
        if since is None:
            since = day - dt.timedelta(days=1)
        talked = set(
            ContactMoment.objects.filter(
                case__isnull=True,
                succeeded=True,
                channel__in=PERSONAL_CHANNELS,
                topic__in=PERSONAL_TOPICS,
                happened_at__gte=start_of_day(since + dt.timedelta(days=1)),
                happened_at__lt=start_of_day(day + dt.timedelta(days=1)),
            ).values_list("tenancy_id", flat=True)
        )
        owing = Episode.objects.filter(tenancy_id__in=talked, closed_on__isnull=True).select_related(
            "tenancy"
        )
        for episode in owing.order_by("tenancy_id"):
            if self._offer(episode.tenancy, day, moment, social_manager):
                self.counts["arrangements_on_their_call"] += 1

    def _close(self, case: Case, by: User, outcome: CaseOutcome, moment: dt.datetime) -> None:
        casework_services.case_close(case=case, by=by, outcome=outcome, note="Simulatie", now=moment)
        self.counts["cases_closed"] += 1

    def _is_social(self, case: Case) -> bool:
        """Is this a social case (unusual arrears, a death, a data error, a broken arrangement), not the
        schedule's single contact attempt? Read from the run's decision on the day the case opened."""
        if case.pk not in self._social:
            opened_on = local_date(case.opened_at)
            decision = (
                RunDecision.objects.filter(
                    tenancy_id=case.tenancy_id, run__run_date=opened_on, route=Route.HUMAN_CONTACT
                )
                .select_related("episode", "decision")
                .first()
            )
            if decision is None:
                social = True  # not opened by the schedule (a missed instalment, for instance)
            else:
                inputs = decision.decision.inputs
                judged = any(
                    inputs.get(key) for key in ("atypical", "bereavement", "data_error", "broken_arrangement")
                )
                social = (
                    judged
                    or decision.days_overdue < self.second_contact_days
                    or (
                        decision.episode is not None and decision.episode.personal_message_sent_on is not None
                    )
                )
            self._social[case.pk] = social
        return self._social[case.pk]

    def _reviews(self, day: dt.date, officer: User) -> None:
        # The last run's decisions that wait for an officer before the final notice.
        waiting = set(
            RunDecision.objects.filter(
                run__run_date=day - dt.timedelta(days=1),
                route=Route.OFFICER_REVIEW,
                action="",
                days_overdue__gte=self.final_notice_days,
                episode__closed_on__isnull=True,
                episode__final_notice_sent_on__isnull=True,
                episode__final_notice_approved_on__isnull=True,
            )
            # After its first written step: the reminder, or the personal message that replaced it.
            .filter(
                Q(episode__reminder_sent_on__isnull=False)
                | Q(episode__personal_message_sent_on__isnull=False)
            )
            .values_list("episode_id", flat=True)
        )
        for episode_id in waiting:
            self._review_since.setdefault(episode_id, day)
        due = [
            episode_id
            for episode_id in waiting
            if day >= add_working_days(self._review_since[episode_id], self.staffing.approve_after)
        ]
        if due:
            # What `arrears.services.review` records when an officer approves in the console; the run reads
            # only these two fields.
            self.counts["final_notices_approved"] += Episode.objects.filter(pk__in=due).update(
                final_notice_approved_on=day, final_notice_approved_by=officer
            )
