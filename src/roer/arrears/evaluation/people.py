"""The people in the loop, simulated minimally and the same way in both arms.

Every working day, before the night's run:
- the social manager calls the tenant of each open case `call_after` working days after the case
  opened (a successful phone call, logged through `casework.services.contact_log`). What happens next
  depends on why the run opened the case, judged from the run's decision on the day it opened:
  - the schedule's contact attempt (the reminder did not help by `second_contact_days`): the call is the
    attempt; the case is closed right after it and the schedule goes on;
  - a social case (opened before that day: unusual arrears, a death, a data error; or the episode got a
    personal message): it stays open while the social manager works it, until the arrears are paid, or
    `close_after` working days after the call (a quarterly review); if the arrears are still unusual the
    run opens a new case, and the social manager calls again;
  a case whose arrears were paid is closed (outcome "paid", or "not needed" before the call);
- a collections officer approves a final notice that waits for review (growing arrears)
  `approve_after` working days after the run first put it in the review queue;
- bailiff proposals are counted, never approved or rejected.

Nobody arranges payments, waives costs or holds the automation: those depend on a conversation the
simulation does not have, and would only widen the gap between the arms.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.arrears.constants import Route
from roer.arrears.models import Episode, RunDecision
from roer.casework import services as casework_services
from roer.casework.constants import CaseOutcome, CaseStatus, ContactTopic, Direction
from roer.casework.models import Case, ContactMoment
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM, add_working_days, is_working_day, local_date

WORKING_HOURS = dt.time(10, 0)


@dataclass(frozen=True)
class Staffing:
    call_after: int = 2  # working days from a case opening to the social manager's call
    close_after: int = 60  # working days from the call to closing an unpaid social case
    approve_after: int = 3  # working days from "waits for review" to the officer's approval

    def as_dict(self) -> dict[str, int]:
        return {
            "call_after_working_days": self.call_after,
            "close_after_working_days": self.close_after,
            "approve_after_working_days": self.approve_after,
        }


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
    counts: Counter[str] = field(default_factory=Counter)
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
        calls: dict[int, dt.date] = {}
        for case_id, happened_at in ContactMoment.objects.filter(
            case_id__in=[case.pk for case in cases], channel=Channel.PHONE
        ).values_list("case_id", "happened_at"):
            calls.setdefault(case_id, local_date(happened_at))
        for case in cases:
            called = calls.get(case.pk)
            if case.tenancy_id not in owing:
                outcome = CaseOutcome.PAID if called else CaseOutcome.NOT_NEEDED
                self._close(case, social_manager, outcome, moment)
            elif called is None:
                if day >= add_working_days(local_date(case.opened_at), self.staffing.call_after):
                    casework_services.contact_log(
                        tenancy=case.tenancy,
                        by=social_manager,
                        channel=Channel.PHONE,
                        direction=Direction.OUTGOING,
                        succeeded=True,
                        topic=ContactTopic.ARREARS,
                        summary="Simulatie: gebeld over de achterstand",
                        happened_at=moment,
                        case=case,
                    )
                    self.counts["calls"] += 1
                    if not self._is_social(case):
                        self._close(case, social_manager, CaseOutcome.OTHER, moment)
            elif day >= add_working_days(called, self.staffing.close_after):
                self._close(case, social_manager, CaseOutcome.OTHER, moment)

    def _close(self, case: Case, by: User, outcome: CaseOutcome, moment: dt.datetime) -> None:
        casework_services.case_close(case=case, by=by, outcome=outcome, note="Simulatie", now=moment)
        self.counts["cases_closed"] += 1

    def _is_social(self, case: Case) -> bool:
        if case.pk not in self._social:
            opened_on = local_date(case.opened_at)
            decision = (
                RunDecision.objects.filter(
                    tenancy_id=case.tenancy_id, run__run_date=opened_on, route=Route.HUMAN_CONTACT
                )
                .select_related("episode")
                .first()
            )
            self._social[case.pk] = decision is None or (
                decision.days_overdue < self.second_contact_days
                or (decision.episode is not None and decision.episode.personal_message_sent_on is not None)
            )
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
                episode__reminder_sent_on__isnull=False,
                episode__final_notice_sent_on__isnull=True,
                episode__final_notice_approved_on__isnull=True,
            ).values_list("episode_id", flat=True)
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
