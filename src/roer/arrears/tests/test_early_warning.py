"""Early warning: the four legal preconditions, objections, the policy on arrangements, the export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears.models import EarlyWarningObjection, EarlyWarningSignal, Episode
from roer.arrears.policy import Policy, default_document
from roer.arrears.services.early_warning import (
    EXPORT_COLUMNS,
    EarlyWarningError,
    EpisodeFacts,
    early_warning_contact_attempted,
    early_warning_debt_help_pointed,
    early_warning_due,
    early_warning_objection_record,
    early_warning_objection_withdraw,
    early_warning_offer_recorded,
    early_warning_preconditions_sync,
    early_warning_preconditions_sync_all,
    early_warning_signal_create,
)
from roer.casework.constants import ContactTopic
from roer.casework.tests.factories import ContactMomentFactory
from roer.core.models import JournalEvent
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory, TenancyPartyFactory

OPENED = dt.date(2026, 1, 10)
READY = EpisodeFacts(
    contact_attempted_on=dt.date(2026, 1, 25),
    debt_help_pointed_on=dt.date(2026, 1, 25),
    early_warning_offered_on=dt.date(2026, 1, 12),
    reminder_sent_on=dt.date(2026, 1, 12),
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def social_manager(db):
    return UserFactory(roles=[Role.SOCIAL_MANAGER])


def episode_for(tenancy=None, **dates):
    return Episode.objects.create(tenancy=tenancy or TenancyFactory(), opened_on=OPENED, **dates)


def ready_episode(tenancy=None):
    return episode_for(
        tenancy,
        contact_attempted_on=READY.contact_attempted_on,
        debt_help_pointed_on=READY.debt_help_pointed_on,
        early_warning_offered_on=READY.early_warning_offered_on,
        reminder_sent_on=READY.reminder_sent_on,
    )


# --- pure ------------------------------------------------------------------------------------------


def test_due_thirty_days_after_the_reminder_when_all_steps_were_taken():
    policy = Policy.default()
    assert early_warning_due(READY, policy, dt.date(2026, 2, 11), False)[0] is True
    due, reasons = early_warning_due(READY, policy, dt.date(2026, 2, 10), False)
    assert not due
    assert len(reasons) == 1


@pytest.mark.parametrize(
    "missing", ["contact_attempted_on", "debt_help_pointed_on", "early_warning_offered_on"]
)
def test_each_precondition_is_needed(missing):
    facts = EpisodeFacts(**{**READY.__dict__, missing: None})
    due, reasons = early_warning_due(facts, Policy.default(), dt.date(2026, 3, 1), False)
    assert not due
    assert len(reasons) == 1


def test_steps_after_the_day_are_not_seen():
    due, reasons = early_warning_due(READY, Policy.default(), dt.date(2026, 1, 20), False)
    assert not due
    assert len(reasons) == 2  # contact and debt help lie in the future


def test_an_objection_stops_it_and_a_sent_signal_is_not_repeated():
    objected = EpisodeFacts(**{**READY.__dict__, "early_warning_objected_on": dt.date(2026, 1, 20)})
    assert early_warning_due(objected, Policy.default(), dt.date(2026, 3, 1), False)[0] is False
    sent = EpisodeFacts(**{**READY.__dict__, "early_warning_sent_on": dt.date(2026, 2, 11)})
    assert early_warning_due(sent, Policy.default(), dt.date(2026, 3, 1), False)[0] is False


def test_signals_during_an_arrangement_follow_the_policy():
    default = Policy.default()
    assert default.early_warning.signal_during_arrangement is False
    assert early_warning_due(READY, default, dt.date(2026, 3, 1), True)[0] is False
    document = default_document()
    document["early_warning"]["signal_during_arrangement"] = True
    signalling = Policy.from_document(document)
    due, reasons = early_warning_due(READY, signalling, dt.date(2026, 3, 1), True)
    assert due
    assert len(reasons) == 2


# --- preconditions ---------------------------------------------------------------------------------


def test_the_four_preconditions_are_recorded(social_manager):
    episode = episode_for()
    early_warning_contact_attempted(episode=episode, on=dt.date(2026, 1, 20), by=social_manager)
    early_warning_debt_help_pointed(episode=episode, on=dt.date(2026, 1, 21), by=social_manager)
    episode.refresh_from_db()
    assert not episode.early_warning_steps_done
    early_warning_offer_recorded(episode=episode, on=dt.date(2026, 1, 12))
    episode.refresh_from_db()
    assert episode.early_warning_steps_done
    # A later date does not move a step already taken.
    early_warning_contact_attempted(episode=episode, on=dt.date(2026, 2, 1), by=social_manager)
    episode.refresh_from_db()
    assert episode.contact_attempted_on == dt.date(2026, 1, 20)
    activities = list(
        JournalEvent.objects.filter(activity__startswith="early_warning")
        .values_list("activity", flat=True)
        .order_by("id")
    )
    assert activities == [
        "early_warning_contact_attempted",
        "early_warning_debt_help_pointed",
        "early_warning_offered",
    ]
    with pytest.raises(PermissionDenied):
        early_warning_contact_attempted(episode=episode, on=dt.date(2026, 1, 20), by=UserFactory())


def test_contact_attempt_derived_from_a_call_about_the_arrears(db):
    episode = episode_for()
    at = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
    ContactMomentFactory(tenancy=episode.tenancy, happened_at=at, topic=ContactTopic.REPAIR)
    ContactMomentFactory(tenancy=episode.tenancy, happened_at=at + dt.timedelta(days=3), attempt=True)
    early_warning_preconditions_sync(episode=episode, as_of=dt.date(2026, 1, 17))
    episode.refresh_from_db()
    assert episode.contact_attempted_on is None  # the repair call does not count; the other is later
    early_warning_preconditions_sync(episode=episode, as_of=dt.date(2026, 1, 31))
    episode.refresh_from_db()
    assert episode.contact_attempted_on == dt.date(2026, 1, 18)
    assert JournalEvent.objects.get(activity="early_warning_contact_attempted").facts["source"] == "casework"


def test_an_objection_belongs_to_the_tenant_and_stops_only_the_signal(social_manager):
    episode = ready_episode()
    objection = early_warning_objection_record(
        tenancy=episode.tenancy, by=social_manager, on=dt.date(2026, 2, 1)
    )
    assert isinstance(objection, EarlyWarningObjection)
    assert (objection.tenancy, objection.objected_on, objection.recorded_by) == (
        episode.tenancy,
        dt.date(2026, 2, 1),
        social_manager,
    )
    episode.refresh_from_db()
    assert episode.early_warning_steps_done  # the corporation's steps stay taken
    event = JournalEvent.objects.get(activity="early_warning_objected")
    assert event.facts == {"on": "2026-02-01", "signal_withheld": False, "after_export": False}
    with pytest.raises(EarlyWarningError):
        early_warning_signal_create(
            episode=episode, on=dt.date(2026, 2, 15), arrears_amount=Decimal("700"), arrears_since=OPENED
        )
    # Recording it again while it stands changes nothing.
    again = early_warning_objection_record(tenancy=episode.tenancy, by=social_manager, on=dt.date(2026, 2, 5))
    assert again == objection and EarlyWarningObjection.objects.count() == 1


def test_an_objection_can_be_recorded_without_arrears_and_holds_for_later_arrears(social_manager):
    tenancy = TenancyFactory()
    objection = early_warning_objection_record(tenancy=tenancy, by=social_manager, on=dt.date(2025, 12, 1))
    assert objection.stands_on(dt.date(2026, 2, 15))
    episode = ready_episode(tenancy)  # arrears begin later
    with pytest.raises(EarlyWarningError):
        early_warning_signal_create(
            episode=episode, on=dt.date(2026, 2, 15), arrears_amount=Decimal("700"), arrears_since=OPENED
        )
    assert not EarlyWarningSignal.objects.exists()


def test_a_withdrawn_objection_lets_the_signal_follow(social_manager):
    episode = ready_episode()
    objection = early_warning_objection_record(
        tenancy=episode.tenancy, by=social_manager, on=dt.date(2026, 2, 1)
    )
    with pytest.raises(EarlyWarningError):
        early_warning_objection_withdraw(objection=objection, by=social_manager, on=dt.date(2026, 1, 20))
    with pytest.raises(PermissionDenied):
        early_warning_objection_withdraw(objection=objection, by=UserFactory(), on=dt.date(2026, 2, 10))

    withdrawn = early_warning_objection_withdraw(
        objection=objection, by=social_manager, on=dt.date(2026, 2, 10)
    )

    assert withdrawn.withdrawn_on == dt.date(2026, 2, 10) and withdrawn.withdrawn_by == social_manager
    event = JournalEvent.objects.get(activity="early_warning_objection_withdrawn")
    assert event.facts == {"on": "2026-02-10", "objected_on": "2026-02-01"}
    with pytest.raises(EarlyWarningError):  # on a day the objection stood
        early_warning_signal_create(
            episode=episode, on=dt.date(2026, 2, 5), arrears_amount=Decimal("700"), arrears_since=OPENED
        )
    signal = early_warning_signal_create(
        episode=episode, on=dt.date(2026, 2, 15), arrears_amount=Decimal("700"), arrears_since=OPENED
    )
    assert signal.reported_on == dt.date(2026, 2, 15)


def test_only_the_tenant_or_staff_who_talk_to_tenants_record_an_objection(db):
    with pytest.raises(PermissionDenied):
        early_warning_objection_record(tenancy=TenancyFactory(), by=UserFactory(), on=dt.date(2026, 2, 1))
    assert not EarlyWarningObjection.objects.exists()


def test_the_preconditions_are_synced_in_bulk_from_personal_contacts_only(db, django_assert_max_num_queries):
    from roer.casework.tests.factories import CaseFactory

    episodes = [episode_for() for _ in range(4)]
    at = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
    ContactMomentFactory(tenancy=episodes[0].tenancy, happened_at=at, channel="TEL")
    ContactMomentFactory(tenancy=episodes[1].tenancy, happened_at=at, channel="EMA")  # not personal
    ContactMomentFactory(
        tenancy=episodes[2].tenancy, happened_at=at, channel="BEZ", topic=ContactTopic.REPAIR
    )
    CaseFactory(tenancy=episodes[3].tenancy, referred_to_debt_help_at=at)

    assert early_warning_preconditions_sync_all(as_of=dt.date(2026, 1, 31)) == 2

    found = {e.pk: (e.contact_attempted_on, e.debt_help_pointed_on) for e in Episode.objects.all()}
    assert found == {
        episodes[0].pk: (dt.date(2026, 1, 15), None),
        episodes[1].pk: (None, None),
        episodes[2].pk: (None, None),
        episodes[3].pk: (None, dt.date(2026, 1, 15)),
    }
    # Nothing new: reads only, a fixed number of queries however many episodes wait.
    for _ in range(5):
        episode_for()
    with django_assert_max_num_queries(3):
        assert early_warning_preconditions_sync_all(as_of=dt.date(2026, 1, 31)) == 0


def test_signal_refused_while_a_precondition_is_unmet(db):
    episode = episode_for(early_warning_offered_on=dt.date(2026, 1, 12))
    with pytest.raises(EarlyWarningError):
        early_warning_signal_create(
            episode=episode, on=dt.date(2026, 2, 15), arrears_amount=Decimal("700"), arrears_since=OPENED
        )
    assert not EarlyWarningSignal.objects.exists()


# --- the export ------------------------------------------------------------------------------------


def signal_for(name: str, *, reported_on=dt.date(2026, 2, 12), amount="812.50", **person):
    tenancy = TenancyFactory(tenant=None)
    TenancyPartyFactory(tenancy=tenancy, person=PersonFactory(name=name, **person))
    episode = ready_episode(tenancy)
    return early_warning_signal_create(
        episode=episode, on=reported_on, arrears_amount=Decimal(amount), arrears_since=dt.date(2026, 1, 1)
    )


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_export_writes_the_months_signals_with_the_exact_columns(db, tmp_path, settings):
    settings.CORPORATION_NAME = "Woonstichting Test"
    first = signal_for("Jan de Vries", phone="0612345678", email="jan@example.nl")
    signal_for("Elders", reported_on=dt.date(2026, 3, 2))
    output = tmp_path / "ew.csv"
    out = StringIO()
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["count"] == 1
    assert summary["new"] == 1
    rows = read_csv(output)
    assert tuple(rows[0]) == EXPORT_COLUMNS
    dwelling = first.tenancy.dwelling
    assert rows[1] == [
        "Jan de Vries",
        dwelling.street,
        dwelling.house_number,
        dwelling.postcode,
        dwelling.city,
        "1970-05-01",
        "0612345678",
        "jan@example.nl",
        "812.50",
        "2026-01-01",
        "2026-02-12",
        "Woonstichting Test",
    ]
    first.refresh_from_db()
    assert first.exported_at is not None
    event = JournalEvent.objects.get(activity="early_warning_exported")
    assert event.facts == {"month": "2026-02", "count": 1, "new": 1, "withheld": 0}


def test_export_again_writes_the_same_file_and_says_none_are_new(db, tmp_path):
    signal_for("B. Bakker")
    signal_for("A. Aalders")
    output = tmp_path / "ew.csv"
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), stdout=StringIO())
    before = output.read_bytes()
    out = StringIO()
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), "--json", stdout=out)
    assert output.read_bytes() == before
    summary = json.loads(out.getvalue())
    assert (summary["count"], summary["new"], summary["already_exported"]) == (2, 0, 2)


def test_an_objection_after_the_signal_withholds_it_from_the_export(db, tmp_path, social_manager):
    kept = signal_for("Blijft Staan")
    withheld = signal_for("Maakt Bezwaar")
    early_warning_objection_record(tenancy=withheld.tenancy, by=social_manager, on=dt.date(2026, 2, 20))
    assert JournalEvent.objects.get(activity="early_warning_objected").facts["signal_withheld"] is True
    output = tmp_path / "ew.csv"
    out = StringIO()
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), "--json", stdout=out)
    names = [row[0] for row in read_csv(output)[1:]]
    assert names == ["Blijft Staan"]
    assert json.loads(out.getvalue())["withheld_objection"] == 1
    withheld.refresh_from_db()
    kept.refresh_from_db()
    assert withheld.exported_at is None
    assert kept.exported_at is not None


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+31", "-2+3", "@SUM(A1)"])
def test_formulas_are_neutralised(db, tmp_path, name):
    signal_for(name, phone="+31612345678")
    output = tmp_path / "ew.csv"
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), stdout=StringIO())
    row = read_csv(output)[1]
    assert row[0] == "'" + name
    assert row[6] == "'+31612345678"


def test_default_output_under_the_export_dir(db, tmp_path, settings):
    settings.EXPORT_DIR = tmp_path / "exports"
    signal_for("Jan")
    out = StringIO()
    call_command("export_early_warning", "--month", "2026-02", stdout=out)
    assert (tmp_path / "exports" / "early-warning-2026-02.csv").exists()
    assert "1 signal(s), 1 new" in out.getvalue()


def test_a_bad_month_is_one_line_and_changes_nothing(db, tmp_path):
    signal = signal_for("Jan")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("export_early_warning", "--month", "februari", "--output", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="directory"):
        call_command("export_early_warning", "--month", "2026-02", "--output", str(tmp_path))
    signal.refresh_from_db()
    assert signal.exported_at is None
    assert not JournalEvent.objects.filter(activity="early_warning_exported").exists()


def test_a_withdrawn_objection_no_longer_withholds_the_signal(db, tmp_path, social_manager):
    signal = signal_for("Trekt In")
    objection = early_warning_objection_record(
        tenancy=signal.tenancy, by=social_manager, on=dt.date(2026, 2, 20)
    )
    early_warning_objection_withdraw(objection=objection, by=social_manager, on=dt.date(2026, 2, 25))
    output = tmp_path / "ew.csv"
    call_command("export_early_warning", "--month", "2026-02", "--output", str(output), stdout=StringIO())
    assert [row[0] for row in read_csv(output)[1:]] == ["Trekt In"]
