"""The supervisor's meters as data (docs/meters.md): what each measures, its target and owner, and the one
set-based pass over a day's journal that computes it.

Each `compute` function answers, for one Amsterdam day [start, end), a handful of aggregate queries
(GROUP BY in the database, never a Python loop over events) and folds their few grouped rows into
`Row`s: per rule version in force, the meter as a whole (blank dimension) and its breakdowns. The
rollup service (roer.supervision.rollups) stores them as MeterDay rows; the dashboard reads only those.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from roer.accounts.constants import Role
from roer.core.constants import ActorKind, Channel
from roer.core.dates import local_date
from roer.core.models import JournalEvent, JournalRuleVersion, JournalSubject
from roer.supervision.fairness import FAIRNESS
from roer.supervision.meter_base import (
    ANSWERS,
    COLLECTION_ACTIVITIES,
    FUNNEL_STEPS,
    LOW_GRADE,
    REPEAT_WINDOW,
    REQUEST,
    ROUTING,
    WIZARD,
    WRONG_FLAGS,
    Meter,
    Rollup,
    Row,
    Rows,
    Unit,
    Window,
    about_tenancy,
    day_events,
    portal_visits,
    subject_of,
    version_of,
)
from roer.supervision.meters_collections import COLLECTIONS_METERS
from roer.supervision.review import REVIEW_TAGS

# --- the meters' passes ---------------------------------------------------------------------------------


def digital_share(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    rows = (
        day_events("repair_request_submitted", start, end)
        .values("channel", rv=version_of(WIZARD), problem=KT("facts__problem_id"))
        .annotate(n=Count("id"))
    )
    for r in rows:
        digital = r["n"] if r["channel"] == Channel.PORTAL else 0
        out.add("", "", r["rv"], digital, r["n"])
        out.add("problem", r["problem"], r["rv"], digital, r["n"])
        out.add("channel", r["channel"], r["rv"], r["n"], r["n"])
    return out.rows()


def straight_through(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    staff = JournalSubject.objects.filter(
        kind=REQUEST, subject_id=OuterRef("request"), event__actor_kind=ActorKind.STAFF
    )
    rows = (
        day_events("work_order_reported", start, end)
        .filter(facts__result="done")
        .annotate(request=subject_of(REQUEST))
        .annotate(touched=Exists(staff))
        .values("touched", rv=version_of(WIZARD))
        .annotate(n=Count("id"))
    )
    for r in rows:
        untouched = 0 if r["touched"] else r["n"]
        out.add("", "", r["rv"], untouched, r["n"])
    return out.rows()


def wizard_funnel(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    session = KT("facts__wizard_session")
    steps = (
        day_events("wizard_step", start, end)
        .values(rv=version_of(WIZARD), step=KT("facts__step"))
        .annotate(sessions=Count(session, distinct=True), n=Count("id"))
    )
    by_problem = (
        day_events("wizard_step", start, end)
        .values(rv=version_of(WIZARD), step=KT("facts__step"), problem=KT("facts__problem"))
        .annotate(sessions=Count(session, distinct=True))
    )
    reached = (
        day_events("wizard_step", start, end)
        .filter(facts__step__in=["questions_shown", "outcome_shown"])
        .values(rv=version_of(WIZARD), problem=KT("facts__problem"))
        .annotate(sessions=Count(session, distinct=True))
    )
    submitted = (
        day_events("repair_request_submitted", start, end)
        .filter(facts__has_key="wizard_session")
        .values(rv=version_of(WIZARD), problem=KT("facts__problem_id"))
        .annotate(sessions=Count(session, distinct=True))
    )
    runs = (
        day_events("wizard_step", start, end)
        .values(rv=version_of(WIZARD))
        .annotate(sessions=Count(session, distinct=True))
    )
    started: dict[int | None, int] = defaultdict(int)
    for r in runs:
        started[r["rv"]] += r["sessions"]
    counts: dict[tuple[int | None, str], tuple[int, int]] = {}
    for r in steps:
        counts[(r["rv"], r["step"])] = (r["sessions"], r["n"])
    for r in submitted:
        old = counts.get((r["rv"], "submitted"), (0, 0))
        counts[(r["rv"], "submitted")] = (old[0] + r["sessions"], old[1] + r["sessions"])
        out.add("step:submitted", r["problem"], r["rv"], r["sessions"])
        out.add("problem", r["problem"], r["rv"], r["sessions"])
    # Every step gets a row for every version seen, zero or not, so each step's share over a period has
    # the same denominator: the runs active on those days.
    for rv in {*started, *(rv for rv, _step in counts)}:
        for step in (*FUNNEL_STEPS, "back", "abandoned"):
            sessions, n = counts.get((rv, step), (0, 0))
            out.add("step", step, rv, sessions, started[rv], n)
        out.add("", "", rv, counts.get((rv, "submitted"), (0, 0))[0], started[rv])
    for r in by_problem:
        if r["problem"]:
            out.add(f"step:{r['step']}", r["problem"], r["rv"], r["sessions"])
    for r in reached:  # per problem: submitted runs / runs shown its questions or its outcome
        if r["problem"]:
            out.add("problem", r["problem"], r["rv"], 0, r["sessions"])
    return out.rows()


def channel_switch(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    contacts = about_tenancy(("contact_logged", "callback_requested"), start, end).filter(
        Q(event__activity="callback_requested") | Q(event__channel__in=[Channel.PHONE, Channel.DESK])
    )
    rows = list(
        contacts.values_list(
            "subject_id",
            "event__activity",
            "event__channel",
            KeyTextTransform("topic", "event__facts"),
            "event__occurred_at",
        )
    )
    window = portal_visits(start, end, (row[0] for row in rows))
    for tenancy, activity, channel, topic, moment in rows:
        switched = 1 if window.before(tenancy, topic, moment) else 0
        via = "callback" if activity == "callback_requested" else channel
        out.add("", "", None, switched, 1)
        out.add("topic", topic, None, switched, 1)
        out.add("via", via, None, switched, 1)
    return out.rows()


def wrong_answers(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    feedback = (
        day_events("answer_feedback", start, end)
        .values(rv=version_of(ANSWERS), answer=KT("facts__answer_id"))
        .annotate(n=Count("id"), unhelpful=Count("id", filter=Q(facts__helped=False)))
    )
    for r in feedback:
        out.add("", "", r["rv"], r["unhelpful"], r["n"])
        out.add("answer", r["answer"], r["rv"], r["unhelpful"], r["n"])
    callbacks = (
        day_events("callback_requested", start, end)
        .filter(facts__has_key="answer_id")
        .values(answer=KT("facts__answer_id"))
        .annotate(n=Count("id"))
    )
    for c in callbacks:
        out.add("callback_after", c["answer"], None, c["n"])
    return out.rows()


def wrong_actions(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    flags = (
        day_events("work_order_flagged", start, end)
        .values(rv=version_of(WIZARD), flag=KT("facts__flag"))
        .annotate(n=Count("id"))
    )
    for r in flags:
        out.add("kind", r["flag"], r["rv"], r["n"])
        if r["flag"] in WRONG_FLAGS:
            out.add("", "", r["rv"], r["n"])
    cancelled = (
        day_events("repair_request_cancelled", start, end)
        .values(rv=version_of(WIZARD))
        .annotate(n=Count("id"))
    )
    for c in cancelled:
        out.add("kind", "cancelled", c["rv"], c["n"])
        out.add("", "", c["rv"], c["n"])
    overridden = (
        day_events("decision_overridden", start, end)
        .filter(facts__flow="repair_intake")
        .values(rv=version_of(WIZARD))
        .annotate(n=Count("id"))
    )
    for o in overridden:
        out.add("kind", "overridden", o["rv"], o["n"])
        out.add("", "", o["rv"], o["n"])
    submitted = about_tenancy(("repair_request_submitted",), start, end)
    today = submitted.annotate(
        rv=Subquery(
            JournalRuleVersion.objects.filter(event=OuterRef("event_id"), rule_version__rule_set__key=WIZARD)
            .order_by()
            .values("rule_version")[:1]
        )
    ).values_list("subject_id", KeyTextTransform("problem_id", "event__facts"), "event__occurred_at", "rv")
    before = about_tenancy(("repair_request_submitted",), start - REPEAT_WINDOW, end).values_list(
        "subject_id", KeyTextTransform("problem_id", "event__facts"), "event__occurred_at"
    )
    window = Window(before, REPEAT_WINDOW)
    for tenancy, problem, moment, rv in today:
        repeat = 1 if window.before(tenancy, problem, moment) else 0
        out.add("", "", rv, repeat, 1)
        if repeat:
            out.add("kind", "repeat", rv, 1)
            out.add("repeat_problem", problem, rv, 1)
    return out.rows()


def satisfaction(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    rows = (
        day_events("satisfaction_recorded", start, end)
        .annotate(grade=Cast(KT("facts__grade"), IntegerField()))
        .values(
            rv=version_of(WIZARD),
            intake=KT("facts__intake_channel"),
            trade=KT("facts__trade"),
            contractor=KT("facts__contractor_id"),
            problem=KT("facts__problem_id"),
        )
        .annotate(n=Count("id"), total=Sum("grade"), low=Count("id", filter=Q(grade__lt=LOW_GRADE)))
    )
    for r in rows:
        numbers = (r["total"], r["n"], r["low"])
        out.add("", "", r["rv"], *numbers)
        out.add("channel", r["intake"], r["rv"], *numbers)
        out.add("trade", r["trade"], r["rv"], *numbers)
        out.add("contractor", r["contractor"], r["rv"], *numbers)
        out.add("problem", r["problem"], r["rv"], *numbers)
    return out.rows()


def timeliness(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    rows = (
        day_events("work_order_reported", start, end)
        .filter(facts__result="done")
        .values(rv=version_of(ROUTING))
        .annotate(n=Count("id"), late=Count("id", filter=Q(facts__late=True)))
    )
    for r in rows:
        out.add("", "", r["rv"], r["n"] - r["late"], r["n"])
    return out.rows()


def unmet_demand(start: dt.datetime, end: dt.datetime) -> list[Row]:
    # answers.UnansweredSearch keeps the wording (with no link to who typed it); read as a plain table.
    from roer.answers.models import UnansweredSearch

    out = Rows()
    answers = (
        day_events("answers_searched", start, end)
        .values(rv=version_of(ANSWERS))
        .annotate(n=Count("id"), missed=Count("id", filter=Q(facts__matched=False)))
    )
    for r in answers:
        out.add("", "", r["rv"], r["missed"], r["n"])
        out.add("source", "answers", r["rv"], r["missed"], r["n"])
    wizard = (
        day_events("wizard_step", start, end)
        .filter(facts__step="searched")
        .aggregate(n=Count("id"), missed=Count("id", filter=Q(facts__matched=False)))
    )
    out.add("", "", None, wizard["missed"], wizard["n"])
    out.add("source", "wizard", None, wizard["missed"], wizard["n"])
    wordings = (
        UnansweredSearch.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("normalised")
        .annotate(n=Count("id"))
    )
    for w in wordings:
        out.add("wording", w["normalised"], None, w["n"])
    return out.rows()


def collections(start: dt.datetime, end: dt.datetime) -> list[Row]:
    out = Rows()
    rows = day_events(COLLECTION_ACTIVITIES, start, end).values("activity").annotate(n=Count("id"))
    for r in rows:
        out.add("activity", r["activity"], None, r["n"])
    stock = JournalEvent.objects.filter(
        activity__in=["arrears_episode_opened", "arrears_episode_closed"], occurred_at__lt=end
    ).aggregate(
        opened=Count("id", filter=Q(activity="arrears_episode_opened")),
        closed=Count("id", filter=Q(activity="arrears_episode_closed")),
    )
    out.add("", "", None, stock["opened"] - stock["closed"], 1)
    return out.rows()


CASE = "casework.case"


def first_contact(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """Per case whose first successful human contact (phone, desk, visit, ...) happened this day: the
    calendar days since the case was opened (a human-contact signal). Two queries: the day's contacts
    with their case, and the opening and earlier contacts of just those cases."""
    out = Rows()
    today = list(
        JournalSubject.objects.filter(
            kind=CASE,
            event__activity="contact_logged",
            event__occurred_at__gte=start,
            event__occurred_at__lt=end,
            event__facts__succeeded=True,
        )
        .order_by()
        .values_list("subject_id", "event__occurred_at")
    )
    if not today:
        return []
    history = (
        JournalSubject.objects.filter(
            kind=CASE,
            subject_id__in=sorted({case for case, _m in today}),
            event__activity__in=["case_opened", "contact_logged"],
            event__occurred_at__lt=end,
        )
        .filter(Q(event__activity="case_opened") | Q(event__facts__succeeded=True))
        .order_by()
        .values_list("subject_id", "event__activity", "event__occurred_at")
    )
    opened: dict[str, dt.datetime] = {}
    first: dict[str, dt.datetime] = {}
    for case, activity, moment in history:
        book = opened if activity == "case_opened" else first
        if case not in book or moment < book[case]:
            book[case] = moment
    for case, moment in today:
        if case in opened and first.get(case) == moment:
            days = (local_date(moment) - local_date(opened[case])).days
            out.add("", "", None, days, 1)
            out.add("days", min(days, 30), None, 1, 0)
    return out.rows()


METERS: tuple[Meter, ...] = (
    Meter(
        key="digital_share",
        name=_("Digital share of repair requests"),
        definition=_(
            "Repair requests submitted through the portal, as a share of all repair requests submitted "
            "(portal, phone and desk) that day."
        ),
        unit=Unit.SHARE,
        target=Decimal("33"),
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=WIZARD,
        compute=digital_share,
        breakdowns=(("problem", _("Per problem")), ("channel", _("Requests per channel"))),
    ),
    Meter(
        key="straight_through",
        name=_("Straight-through repairs"),
        definition=_(
            "Repair work reported done that day whose request no employee touched: no event by staff "
            "about the request, from submission to completion."
        ),
        unit=Unit.SHARE,
        target=Decimal("50"),
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=WIZARD,
        compute=straight_through,
    ),
    Meter(
        key="wizard_funnel",
        name=_("Repair wizard completion"),
        definition=_(
            "Wizard runs (sessions) that reached each step — searched, questions shown, outcome shown, "
            "submitted — as a share of the runs active that day. The headline is the share submitted; "
            "'back' counts steps revisited, 'abandoned' runs left without a request."
        ),
        unit=Unit.SHARE,
        target=Decimal("40"),
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=WIZARD,
        compute=wizard_funnel,
        breakdowns=(
            ("step", _("Funnel per step")),
            ("problem", _("Per problem: submitted runs of the runs that reached the problem")),
            ("step:back", _("Steps back per problem")),
        ),
    ),
    Meter(
        key="channel_switch",
        name=_("Channel switch"),
        definition=_(
            "Phone or desk contacts and callback requests by a tenancy within 7 days after a portal visit "
            "on the same topic (a repair in the wizard, or an answer on that topic), as a share of all "
            "phone and desk contacts and callback requests."
        ),
        unit=Unit.SHARE,
        target=Decimal("10"),
        higher_is_better=False,
        owner=Role.PROCESS_SUPERVISOR,
        compute=channel_switch,
        breakdowns=(("topic", _("Per topic")), ("via", _("Per channel"))),
    ),
    Meter(
        key="wrong_answers",
        name=_("Answers that did not help"),
        definition=_(
            "'Did this help?' answered 'no', as a share of all feedback on answers; per answer, with the "
            "callback requests made from an answer."
        ),
        unit=Unit.SHARE,
        target=Decimal("20"),
        higher_is_better=False,
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=ANSWERS,
        compute=wrong_answers,
        breakdowns=(("answer", _("Per answer")), ("callback_after", _("Callbacks after an answer"))),
    ),
    Meter(
        key="wrong_actions",
        name=_("Wrong follow-up actions"),
        definition=_(
            "Orders flagged by contractors as wrong (wrong trade, the tenant's responsibility, another "
            "contractor needed), repair intake decisions overridden by staff, cancelled requests, and "
            "repeat requests (the same tenancy and problem within 30 days), as a share of the repair "
            "requests submitted that day."
        ),
        unit=Unit.SHARE,
        target=Decimal("10"),
        higher_is_better=False,
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=WIZARD,
        compute=wrong_actions,
        breakdowns=(("kind", _("Per kind")), ("repeat_problem", _("Repeat requests per problem"))),
    ),
    Meter(
        key="satisfaction",
        name=_("Satisfaction with repairs"),
        definition=_(
            "The average grade (1 to 10) tenants gave a finished repair; the second figure is the share "
            "of grades below 6. Per intake channel, trade, contractor and problem."
        ),
        unit=Unit.GRADE,
        target=Decimal("7.5"),
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=WIZARD,
        compute=satisfaction,
        breakdowns=(
            ("channel", _("Per intake channel")),
            ("trade", _("Per trade")),
            ("contractor", _("Per contractor")),
            ("problem", _("Per problem")),
        ),
    ),
    Meter(
        key="timeliness",
        name=_("Repairs on time"),
        definition=_(
            "Work orders reported done within the term of their urgency class, as a share of all work "
            "orders reported done that day."
        ),
        unit=Unit.SHARE,
        target=Decimal("90"),
        owner=Role.PROCESS_SUPERVISOR,
        rule_set=ROUTING,
        compute=timeliness,
    ),
    Meter(
        key="unmet_demand",
        name=_("Unmet demand"),
        definition=_(
            "Searches in the answers and the repair wizard that found no match, as a share of all "
            "searches; the answers' unmatched searches grouped by their normalised wording."
        ),
        unit=Unit.SHARE,
        target=Decimal("15"),
        higher_is_better=False,
        owner=Role.PROCESS_SUPERVISOR,
        compute=unmet_demand,
        breakdowns=(("source", _("Per search")), ("wording", _("Top unmatched wordings"))),
    ),
    Meter(
        key="first_contact",
        name=_("Days to first human contact"),
        definition=_(
            "For each social manager's case (opened by a human-contact signal) whose first successful "
            "contact was made that day: the calendar days from opening the case to that contact; the "
            "average over the period."
        ),
        unit=Unit.DAYS,
        target=Decimal("5"),
        higher_is_better=False,
        owner=Role.SOCIAL_MANAGER,
        compute=first_contact,
        breakdowns=(("days", _("Cases per number of days (30: 30 or more)")),),
    ),
    Meter(
        key="collections",
        name=_("Tenancies in arrears"),
        definition=_(
            "Arrears episodes open at the end of the day (opened minus closed, from the journal); per "
            "activity the signals, letters, costs, bailiff proposals and arrangements of the period."
        ),
        unit=Unit.COUNT,
        rollup=Rollup.LAST,
        higher_is_better=False,
        owner=Role.COLLECTIONS_OFFICER,
        compute=collections,
        breakdowns=(("activity", _("Per activity")),),
    ),
    *COLLECTIONS_METERS,
    FAIRNESS,
    REVIEW_TAGS,
)

BY_KEY: dict[str, Meter] = {meter.key: meter for meter in METERS}

# Example cases for a meter's page: the repair requests behind it (activity and an optional facts filter).
EXAMPLES: dict[str, tuple[str, Q]] = {
    "digital_share": ("repair_request_submitted", Q(channel=Channel.PORTAL)),
    "straight_through": ("work_order_reported", Q(facts__result="done")),
    "wizard_funnel": ("repair_request_submitted", Q(facts__has_key="wizard_session")),
    "wrong_actions": ("work_order_flagged", Q()),
    "satisfaction": ("satisfaction_recorded", Q()),
    "timeliness": ("work_order_reported", Q(facts__late=True)),
}


def example_requests(key: str, start: dt.datetime, end: dt.datetime, limit: int = 10) -> list[str]:
    """Ids of repair requests behind a meter in a period (most recent first), one query."""
    if key not in EXAMPLES:
        return []
    activity, condition = EXAMPLES[key]
    events = day_events(activity, start, end).filter(condition)
    if key == "satisfaction":
        events = events.annotate(grade=Cast(KT("facts__grade"), IntegerField())).filter(grade__lt=LOW_GRADE)
    ids = (
        JournalSubject.objects.filter(kind=REQUEST, event__in=events.values("pk"))
        .order_by("-event__occurred_at")
        .values_list("subject_id", flat=True)[: limit * 3]
    )
    return list(dict.fromkeys(ids))[:limit]
