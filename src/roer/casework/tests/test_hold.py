import datetime as dt

import pytest

from roer.casework import services
from roer.core import helm
from roer.core.constants import Flow
from roer.core.journal import events_for

from .factories import CaseFactory

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def test_holding_from_the_case_stops_dunning_for_the_weeks_asked(tenancy, social_manager):
    case = CaseFactory(tenancy=tenancy)
    assert helm.verdict_for(flow=Flow.DUNNING, subject=tenancy, now=NOW).act is True

    hold = services.case_hold_automation(
        case=case, by=social_manager, weeks=4, reason="Wacht op uitkering", now=NOW
    )

    assert hold.until == NOW + dt.timedelta(weeks=4)
    assert hold.reason == "Wacht op uitkering"
    during = helm.verdict_for(flow=Flow.DUNNING, subject=tenancy, now=NOW + dt.timedelta(weeks=3))
    assert during.act is False
    assert during.propose is False
    after = helm.verdict_for(flow=Flow.DUNNING, subject=tenancy, now=NOW + dt.timedelta(weeks=4, seconds=1))
    assert after.act is True

    held = events_for(case)[-1]
    assert held.activity == "case_automation_held"
    assert held.facts == {"weeks": 4, "until": (NOW + dt.timedelta(weeks=4)).isoformat()}
    assert "hold_placed" in [event.activity for event in events_for(tenancy)]


def test_a_person_can_release_the_hold_early(tenancy, social_manager):
    case = CaseFactory(tenancy=tenancy)
    hold = services.case_hold_automation(case=case, by=social_manager, weeks=2, reason="Gesprek", now=NOW)

    helm.hold_release(hold=hold, by=social_manager, now=NOW + dt.timedelta(days=3))

    assert helm.verdict_for(flow=Flow.DUNNING, subject=tenancy, now=NOW + dt.timedelta(days=4)).act is True


@pytest.mark.parametrize(("weeks", "reason"), [(0, "x"), (27, "x"), (2, "  ")])
def test_a_hold_needs_a_sensible_length_and_a_reason(tenancy, social_manager, weeks, reason):
    case = CaseFactory(tenancy=tenancy)
    with pytest.raises(ValueError):
        services.case_hold_automation(case=case, by=social_manager, weeks=weeks, reason=reason, now=NOW)
    assert helm.verdict_for(flow=Flow.DUNNING, subject=tenancy, now=NOW).act is True
