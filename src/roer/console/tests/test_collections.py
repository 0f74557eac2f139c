"""The collections officer's queue: final notices for growing arrears, bailiff proposals, arrangements."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementStatus, BailiffProposalStatus, Route, RunStatus
from roer.arrears.models import Arrangement, BailiffProposal, CollectionRun, Episode, Instalment, RunDecision
from roer.arrears.services.arrangements import live_policy
from roer.casework.tests.factories import CaseFactory
from roer.core import helm
from roer.core.constants import Flow
from roer.core.models import Hold, JournalEvent
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=AMS)
PAGE = reverse("console:collections")
STEPS = {
    "contact_attempted_on": dt.date(2026, 8, 25),
    "debt_help_pointed_on": dt.date(2026, 8, 25),
    "early_warning_offered_on": dt.date(2026, 8, 12),
}


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def run_on(day: dt.date, status: str = RunStatus.FINISHED) -> CollectionRun:
    version = live_policy()[1]
    return CollectionRun.objects.create(
        run_date=day, policy_version=version, letters_version=version, status=status, started_at=NOW
    )


def review(
    run: CollectionRun, *, arrears: str = "2250.00", route: str = Route.OFFICER_REVIEW, **episode_fields
):
    tenancy = TenancyFactory()
    episode = Episode.objects.create(tenancy=tenancy, opened_on=dt.date(2026, 7, 2), **episode_fields)
    record = helm.decision_record(
        flow=Flow.DUNNING,
        subject=tenancy,
        outcome=route,
        reasons=[],
        inputs={},
        rule_version=run.policy_version,
    )
    RunDecision.objects.create(
        run=run,
        tenancy=tenancy,
        episode=episode,
        decision=record,
        route=route,
        reasons=["Groeiende achterstand: drie maanden huur"],
        arrears=Decimal(arrears),
        months=Decimal("3.00"),
        days_overdue=110,
        priority=40,
    )
    return episode


@pytest.fixture
def officer(client):
    return sign_in(client, make_user(Role.COLLECTIONS_OFFICER))


def test_the_latest_runs_officer_reviews_are_listed(client, officer):
    older = run_on(dt.date(2026, 10, 18))
    review(older, arrears="999.99")
    latest = run_on(dt.date(2026, 10, 19))
    episode = review(latest)
    review(latest, route=Route.AUTOMATED, arrears="123.45")

    response = client.get(PAGE)

    html = response.content.decode()
    assert "€ 2.250,00" in html and "Groeiende achterstand: drie maanden huur" in html
    assert "€ 999,99" not in html and "€ 123,45" not in html
    assert reverse("console:final_notice_approve", args=[episode.pk]) in html
    assert "From the collections run of 19-10-2026." in html


def test_approving_the_final_notice(client, officer):
    episode = review(run_on(dt.date(2026, 10, 19)))
    response = client.post(reverse("console:final_notice_approve", args=[episode.pk]), follow=True)
    assert any("is approved; the next nightly run sends it" in str(m) for m in response.context["messages"])
    episode.refresh_from_db()
    assert (episode.final_notice_approved_on, episode.final_notice_approved_by) == (
        dt.date(2026, 10, 20),
        officer,
    )
    assert JournalEvent.objects.filter(activity="final_notice_approved").exists()
    assert "approved 20-10-2026" in response.content.decode()


def test_approving_a_notice_already_sent_says_why(client, officer):
    episode = review(run_on(dt.date(2026, 10, 19)), final_notice_sent_on=dt.date(2026, 10, 1))
    response = client.post(reverse("console:final_notice_approve", args=[episode.pk]))
    assert response.status_code == 200
    assert "The final notice has already been sent." in response.content.decode()


def test_not_now_holds_the_tenancy_with_a_reason(client, officer):
    episode = review(run_on(dt.date(2026, 10, 19)))
    url = reverse("console:final_notice_postpone", args=[episode.pk])
    prefix = f"postpone-{episode.pk}"

    refused = client.post(url, {f"{prefix}-weeks": "4", f"{prefix}-reason": ""})
    assert refused.status_code == 200 and not Hold.objects.exists()

    response = client.post(
        url, {f"{prefix}-weeks": "4", f"{prefix}-reason": "Schuldhulp start volgende week"}, follow=True
    )
    hold = Hold.objects.get(subject_id=str(episode.tenancy_id))
    assert (hold.reason, hold.until) == (
        "Schuldhulp start volgende week",
        NOW.astimezone(dt.UTC) + dt.timedelta(weeks=4),
    )
    assert "held until 17-11-2026" in response.content.decode()
    episode.refresh_from_db()
    assert episode.final_notice_approved_on is None


def proposal(**episode_fields) -> BailiffProposal:
    tenancy = TenancyFactory()
    episode = Episode.objects.create(
        tenancy=tenancy, opened_on=dt.date(2026, 6, 2), **{**STEPS, **episode_fields}
    )
    return BailiffProposal.objects.create(
        tenancy=tenancy, episode=episode, proposed_on=dt.date(2026, 10, 15), arrears=Decimal("3000.00")
    )


def test_deciding_a_bailiff_proposal_needs_a_reason(client, officer):
    p = proposal()
    url = reverse("console:bailiff_decision", args=[p.pk])
    response = client.post(url, {f"bailiff-{p.pk}-decision": "approve", f"bailiff-{p.pk}-note": ""})
    assert response.status_code == 200
    assert response.context["proposals"][0][1].errors["note"]
    p.refresh_from_db()
    assert p.status == BailiffProposalStatus.PROPOSED

    response = client.post(
        url,
        {f"bailiff-{p.pk}-decision": "approve", f"bailiff-{p.pk}-note": "Geen contact, geen regeling."},
        follow=True,
    )
    p.refresh_from_db()
    assert (p.status, p.decided_by, p.decision_reason) == (
        BailiffProposalStatus.APPROVED,
        officer,
        "Geen contact, geen regeling.",
    )
    assert any("is approved" in str(m) for m in response.context["messages"])


def test_a_bailiff_approval_is_refused_while_a_case_is_open(client, officer):
    p = proposal()
    CaseFactory(tenancy=p.tenancy)
    response = client.post(
        reverse("console:bailiff_decision", args=[p.pk]),
        {f"bailiff-{p.pk}-decision": "approve", f"bailiff-{p.pk}-note": "Lang genoeg gewacht."},
    )
    assert escape(gettext("A social manager's case is open")) in response.content.decode()
    assert "Lang genoeg gewacht." in response.content.decode()  # the input is kept
    p.refresh_from_db()
    assert p.status == BailiffProposalStatus.PROPOSED


def test_rejecting_a_bailiff_proposal(client, officer):
    p = proposal()
    client.post(
        reverse("console:bailiff_decision", args=[p.pk]),
        {f"bailiff-{p.pk}-decision": "reject", f"bailiff-{p.pk}-note": "Huurder is in de schuldhulp."},
    )
    p.refresh_from_db()
    assert p.status == BailiffProposalStatus.REJECTED


def requested(**fields) -> Arrangement:
    arrangement = Arrangement.objects.create(
        tenancy=fields.pop("tenancy", None) or TenancyFactory(),
        amount=Decimal("1500.00"),
        start_date=dt.date(2026, 11, 1),
        proposed_at=timezone.now(),
        **fields,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(
                arrangement=arrangement, number=n, due_date=dt.date(2026, 10 + n, 1), amount=Decimal("750.00")
            )
            for n in (1, 2)
        ]
    )
    return arrangement


def test_turning_down_an_arrangement_needs_a_note(client, officer):
    arrangement = requested()
    url = reverse("console:arrangement_decision", args=[arrangement.pk])
    prefix = f"arrangement-{arrangement.pk}"
    response = client.post(url, {f"{prefix}-decision": "reject", f"{prefix}-note": ""})
    assert "Say why the arrangement is turned down." in response.content.decode()

    response = client.post(
        url,
        {f"{prefix}-decision": "reject", f"{prefix}-note": "Te lang", f"{prefix}-next": PAGE},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == PAGE
    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.decision_note) == (ArrangementStatus.REMOVED, "Te lang")


def test_the_collections_page_reads_in_a_constant_number_of_queries(
    client, officer, django_assert_max_num_queries
):
    run = run_on(dt.date(2026, 10, 19))

    def add(n: int) -> None:
        for _ in range(n):
            review(run)
            proposal()
            requested()

    add(2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(PAGE).status_code == 200
    add(38)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(PAGE)
    assert (
        len(response.context["reviews"]),
        len(response.context["proposals"]),
        len(response.context["arrangements"]),
    ) == (
        40,
        40,
        40,
    )


def test_the_arrangements_page_for_social_managers(client):
    sign_in(client, make_user(Role.SOCIAL_MANAGER))
    arrangement = requested()
    html = client.get(reverse("console:arrangements")).content.decode()
    assert arrangement.tenancy.reference in html
    assert reverse("console:arrangement_decision", args=[arrangement.pk]) in html


def test_the_home_page_counts_the_collections_queues(client, officer):
    run = run_on(dt.date(2026, 10, 19))
    review(run)
    review(run, final_notice_approved_on=dt.date(2026, 10, 19))
    proposal()
    requested()
    counts = client.get(reverse("console:home")).context["counts"]
    assert (counts.officer_reviews, counts.bailiff_proposals, counts.arrangements_requested) == (1, 1, 1)
