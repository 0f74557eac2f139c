"""The fairness meter: the day's counts per neighbourhood and age band (joined to the tenancy in SQL), and
the disparity test (exact conditional test of two rates, Bonferroni over the groups tested)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.core.subjects import SubjectRef
from roer.supervision import meter_selectors, rollups
from roer.supervision.fairness import (
    FAIRNESS,
    GroupCount,
    disparities,
    rate_test,
    years_before,
)
from roer.supervision.meter_selectors import Period
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy, TenancyParty
from roer.tenancies.tests.factories import DwellingFactory, PersonFactory, TenancyFactory

DAY = dt.date(2026, 3, 10)
START = dt.datetime.combine(DAY, dt.time(), tzinfo=AMSTERDAM)
END = START + dt.timedelta(days=1)


def tenancy(neighbourhood: str = "Binnenstad", born: dt.date | None = dt.date(1970, 5, 1)) -> Tenancy:
    made = TenancyFactory(
        dwelling=DwellingFactory(neighbourhood=neighbourhood), tenant__person__birth_date=born
    )
    return made


def event(activity: str, t: Tenancy, facts: dict[str, Any] | None = None, hour: int = 12) -> None:
    journal.record(
        activity=activity,
        subjects=[SubjectRef(kind="tenancies.tenancy", id=str(t.pk))],
        facts=facts or {},
        occurred_at=START + dt.timedelta(hours=hour),
    )


def rows() -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.dimension, r.value): (r.numerator, r.denominator) for r in FAIRNESS.compute(START, END)}


# --- the day's pass ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_tenancies_per_measure_neighbourhood_and_age_band():
    young = tenancy("Noord", born=dt.date(2000, 1, 1))  # 26
    old = tenancy("Noord", born=dt.date(1950, 1, 1))  # 76
    middle = tenancy("Zuid")  # 1970: 55
    for t in (young, old, middle):
        event("arrears_episode_opened", t, {"opened_on": DAY})
    event("case_opened", young, {"priority": 50})
    # a reminder to the tenant and to the co-tenant is one escalation of one tenancy
    event("letter_sent", young, {"kind": "reminder", "recipient_role": "tenant"})
    event("letter_sent", young, {"kind": "reminder", "recipient_role": "co_tenant"})
    event("letter_sent", old, {"kind": "personal_message"})  # not an escalation
    event("bailiff_proposed", middle, {"on": DAY})
    event("letter_sent", middle, {"kind": "final_notice"})
    event("collection_costs_charged", middle, {"amount": "40.00"})
    event("case_opened", old, hour=30)  # the next day

    found = rows()

    assert found[("neighbourhood:signal", "Noord")] == (1, 2)
    assert found[("neighbourhood:escalation", "Noord")] == (1, 2)
    assert found[("neighbourhood:cost", "Noord")] == (0, 2)
    assert found[("neighbourhood:signal", "Zuid")] == (0, 1)
    assert found[("neighbourhood:escalation", "Zuid")] == (1, 1)  # the same tenancy, counted once
    assert found[("neighbourhood:cost", "Zuid")] == (1, 1)
    assert found[("age_band:signal", "under_30")] == (1, 1)
    assert found[("age_band:escalation", "65_plus")] == (0, 1)
    assert found[("age_band:cost", "45_64")] == (1, 1)
    assert found[("", "")] == (1, 3)  # the headline: signals per episode opened
    assert ("age_band:signal", "30_44") not in found


@pytest.mark.django_db
def test_the_age_band_is_the_main_tenants_age_on_the_day():
    turns_30 = tenancy(born=years_before(DAY, 30))
    almost_30 = tenancy(born=years_before(DAY, 30) + dt.timedelta(days=1))
    turns_65 = tenancy(born=years_before(DAY, 65))
    no_birth_date = tenancy(born=None)
    no_main_tenant = tenancy()
    TenancyParty.objects.filter(tenancy=no_main_tenant).update(role=PartyRole.CO_TENANT)
    co_tenant_only_older = tenancy(born=dt.date(2001, 1, 1))
    TenancyParty.objects.create(
        tenancy=co_tenant_only_older,
        person=PersonFactory(birth_date=dt.date(1940, 1, 1)),
        role=PartyRole.CO_TENANT,
    )
    for t in (turns_30, almost_30, turns_65, no_birth_date, no_main_tenant, co_tenant_only_older):
        event("arrears_episode_opened", t)

    found = rows()

    assert found[("age_band:signal", "30_44")] == (0, 1)
    assert found[("age_band:signal", "under_30")] == (0, 2)  # almost 30, and the young main tenant
    assert found[("age_band:signal", "65_plus")] == (0, 1)
    assert found[("age_band:signal", "unknown")] == (0, 2)


@pytest.mark.django_db
def test_a_blank_neighbourhood_is_its_own_group_and_the_selector_sums_the_period():
    nowhere = tenancy("")
    event("arrears_episode_opened", nowhere)
    event("case_opened", nowhere)
    rollups.meter_day_rollup(meter=FAIRNESS, day=DAY)
    somewhere = tenancy("Oost")
    journal.record(
        activity="arrears_episode_opened",
        subjects=[SubjectRef(kind="tenancies.tenancy", id=str(somewhere.pk))],
        facts={},
        occurred_at=START - dt.timedelta(hours=12),
    )
    rollups.meter_day_rollup(meter=FAIRNESS, day=DAY - dt.timedelta(days=1))

    groups = meter_selectors.fairness_groups(Period(DAY - dt.timedelta(days=1), DAY))

    assert groups[("neighbourhood", "signal")] == [
        GroupCount(group="", events=1, episodes=1),
        GroupCount(group="Oost", events=0, episodes=1),
    ]
    assert groups[("age_band", "escalation")] == [GroupCount(group="45_64", events=0, episodes=2)]


def test_years_before_keeps_leap_days_sensible():
    assert years_before(dt.date(2028, 2, 29), 30) == dt.date(1998, 2, 28)
    assert years_before(dt.date(2026, 3, 10), 65) == dt.date(1961, 3, 10)


# --- the disparity test (pure) -----------------------------------------------------------------------------


def test_rate_test_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    for events, episodes, rest_events, rest_episodes in [
        (30, 40, 40, 200),
        (5, 25, 50, 250),
        (0, 30, 20, 90),
    ]:
        share = episodes / (episodes + rest_episodes)
        total = events + rest_events
        upper = stats.binomtest(events, total, share, alternative="greater").pvalue
        lower = stats.binomtest(events, total, share, alternative="less").pvalue
        assert rate_test(events, episodes, rest_events, rest_episodes) == pytest.approx(
            min(1.0, 2 * min(upper, lower)), rel=1e-9
        )


def test_rate_test_of_equal_rates_is_not_significant_and_of_no_events_is_one():
    assert rate_test(10, 50, 40, 200) > 0.5
    assert rate_test(0, 50, 0, 200) == 1.0


def test_a_group_with_a_much_higher_rate_is_flagged_and_the_others_not():
    groups = [
        GroupCount("Noord", events=30, episodes=40),
        GroupCount("Zuid", events=10, episodes=100),
        GroupCount("Oost", events=12, episodes=100),
    ]
    found = {d.group: d for d in disparities(groups)}

    assert found["Noord"].flagged and found["Noord"].higher
    assert found["Noord"].rest_events == 22 and found["Noord"].rest_episodes == 200
    assert found["Noord"].adjusted_p == pytest.approx(min(1.0, 3 * found["Noord"].p_value))
    assert not found["Oost"].flagged


def test_a_rate_can_exceed_one_per_episode():
    groups = [GroupCount("Noord", events=90, episodes=30), GroupCount("Zuid", events=100, episodes=100)]
    found = {d.group: d for d in disparities(groups)}
    assert found["Noord"].rate == 3.0
    assert found["Noord"].flagged and found["Zuid"].flagged and not found["Zuid"].higher


def test_small_groups_are_not_tested_and_do_not_count_for_bonferroni():
    groups = [
        GroupCount("Noord", events=19, episodes=19),  # every episode escalated, but only 19 episodes
        GroupCount("Zuid", events=10, episodes=100),
        GroupCount("Oost", events=30, episodes=100),
    ]
    found = {d.group: d for d in disparities(groups)}

    assert found["Noord"].p_value is None and not found["Noord"].flagged
    assert found["Zuid"].adjusted_p == pytest.approx(min(1.0, 2 * found["Zuid"].p_value))


def test_bonferroni_can_keep_a_nominally_significant_group_unflagged():
    # Search a group whose p lies between 0.01 / 3 and 0.01: significant alone, not after correction.
    rest = [GroupCount("Zuid", events=50, episodes=250), GroupCount("Oost", events=50, episodes=250)]
    for events in range(10, 60):
        found = {d.group: d for d in disparities([GroupCount("Noord", events, 100), *rest])}
        p_value = found["Noord"].p_value
        assert p_value is not None
        if 0.01 / 3 < p_value < 0.01:
            assert not found["Noord"].flagged
            assert found["Noord"].adjusted_p == pytest.approx(3 * p_value)
            return
    pytest.fail("no group with 0.0033 < p < 0.01 in the search")


def test_no_groups_no_disparities():
    assert disparities([]) == []
