"""`roer demo` end to end on a small corporation: counts, determinism, balances, ground truth, idempotence."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roer.accounts.models import User
from roer.demo.constants import PaymentBehaviour
from roer.demo.models import LifeEvent, PaymentProfile, SimulationRun
from roer.demo.selectors import demo_fingerprint
from roer.demo.services import demo_wipe
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.ledger.selectors import balances_on
from roer.tenancies.models import Dwelling, HouseholdMember, Person, Tenancy

UNTIL = dt.date(2026, 10, 31)
HISTORY_START = dt.date(2023, 11, 1)
SMALL = ["demo", "--dwellings", "30", "--years", "3", "--no-serve", "--until", "2026-10-31", "--seed", "5"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def run_demo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*(args or SMALL), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_builds_a_small_corporation_with_its_ground_truth_and_prints_the_logins() -> None:
    out, err = run_demo()

    run = SimulationRun.objects.get()
    assert run.finished and run.history_start == HISTORY_START and run.until == UNTIL
    assert Dwelling.objects.count() == 30
    tenancies = Tenancy.objects.count()
    assert 30 <= tenancies <= 60
    assert Tenancy.objects.filter(end_date__isnull=True).count() == 30
    assert PaymentProfile.objects.count() == tenancies
    assert LifeEvent.objects.exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() >= 30 * 30
    assert not LedgerEntry.objects.filter(date__lt=HISTORY_START).exists()
    assert not LedgerEntry.objects.filter(date__gt=UNTIL).exists()
    # Tenancies older than the history keep their real start date.
    assert Tenancy.objects.filter(start_date__lt=dt.date(2010, 1, 1)).exists()

    balances = balances_on(day=UNTIL)
    on_time_clean = Tenancy.objects.filter(
        demo_payment_profile__behaviour=PaymentBehaviour.ON_TIME, demo_life_events__isnull=True
    ).exclude(ledger_entries__kind=EntryKind.RETURN)
    assert on_time_clean.exists()
    assert all(balances[t.pk] == 0 for t in on_time_clean)
    chaotic = Tenancy.objects.filter(demo_payment_profile__behaviour=PaymentBehaviour.CHAOTIC)
    assert sum(balances.get(t.pk, 0) for t in chaotic) >= 0

    assert "100%" in err and "dwellings" in err
    assert "sociaal" in out and "roer-demo-2026" in out
    assert "huurder.trouw" in out
    trouw = User.objects.get(username="huurder.trouw")
    assert trouw.is_demo and Person.objects.get(user=trouw).tenancy_parties.exists()


def test_a_second_run_does_not_build_again() -> None:
    run_demo()
    before = demo_fingerprint()
    out, _ = run_demo()
    assert "already there" in out
    assert SimulationRun.objects.count() == 1
    assert demo_fingerprint() == before


def test_the_same_seed_builds_the_same_corporation() -> None:
    run_demo()
    first = demo_fingerprint()
    demo_wipe()
    assert not Tenancy.objects.exists() and not Person.objects.exists() and not SimulationRun.objects.exists()
    run_demo()
    assert demo_fingerprint() == first
    run_demo("demo", *SMALL[1:], "--rebuild")
    assert demo_fingerprint() == first
    run_demo("demo", *SMALL[1:-1], "6", "--rebuild")
    assert demo_fingerprint()["hash"] != first["hash"]


def test_deaths_show_in_the_household_and_the_ledger() -> None:
    run_demo("demo", "--dwellings", "400", "--years", "6", "--no-serve", "--until", "2026-10-31")
    deceased = HouseholdMember.objects.filter(end_reason="deceased").select_related("person")
    assert deceased.exists()
    assert all(m.person.died_on == m.moved_out for m in deceased)
    assert LedgerEntry.objects.filter(kind=EntryKind.RETURN, return_reason="MD07").exists()
    reasons = set(LedgerEntry.objects.filter(kind=EntryKind.RETURN).values_list("return_reason", flat=True))
    assert {"AM04", "MD07"} <= reasons


def test_rebuild_refuses_when_the_database_holds_other_data() -> None:
    dwelling = Dwelling.objects.create(
        reference="REAL-1", street="Grote Markt", house_number="1", postcode="8011 LW", city="Zwolle"
    )
    Tenancy.objects.create(reference="REAL-T1", dwelling=dwelling, start_date=dt.date(2001, 1, 1))
    with pytest.raises(CommandError, match="not the demo's"):
        run_demo("demo", *SMALL[1:], "--rebuild")
    with pytest.raises(CommandError, match="not the demo's"):
        run_demo()
    assert Tenancy.objects.count() == 1


def test_a_bad_until_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="not a date"):
        run_demo("demo", "--no-serve", "--until", "31-31-2026")
