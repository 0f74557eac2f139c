"""Retention: ended tenancies past ROER_RETENTION_YEARS lose their personal data; amounts and the journal stay."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Sum, TextField
from django.db.models.functions import Cast

from roer.answers.models import CallbackRequest
from roer.answers.tests.factories import CallbackRequestFactory
from roer.arrears.models import Episode, Letter
from roer.casework.tests.factories import CaseFactory
from roer.core.models import JournalEvent
from roer.ledger.constants import BankEntryStatus, StatementFormat
from roer.ledger.models import BankEntry, BankStatement, LedgerEntry
from roer.privacy import tasks
from roer.privacy.constants import ANONYMISED_NAME
from roer.privacy.models import Anonymisation
from roer.privacy.retention import anonymise_ended, retention_cutoff
from roer.repairs.models import RepairPhoto
from roer.tenancies.models import Person, Tenancy
from roer.tenancies.tests.factories import TenancyFactory, TenancyPartyFactory

from .conftest import EMAIL, IBAN, NAME, PHONE, build_household

TODAY = dt.date(2026, 11, 27)
LONG_AGO = dt.date(2016, 12, 31)  # ended nearly ten years before TODAY
RECENTLY = dt.date(2022, 6, 30)


def text_hits(needle: str) -> list[str]:
    """Every row of every model that has `needle` in a text column (JSON and file names included)."""
    hits = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(
                field, models.CharField | models.TextField | models.JSONField | models.FileField
            ):
                continue
            matches = (
                model._base_manager.annotate(as_text=Cast(field.attname, TextField()))
                .filter(as_text__icontains=needle)
                .values_list("pk", flat=True)
            )
            hits += [f"{model._meta.label}.{field.name}#{pk}" for pk in matches]
    return hits


def _admin_history(person: Person) -> None:
    LogEntry.objects.create(
        user_id=person.user_id,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f"Changed {NAME}",
    )


def test_the_search_finds_the_person_before(db):
    build_household(end_date=LONG_AGO)
    assert len(text_hits(NAME)) > 10 and text_hits(IBAN) and text_hits(EMAIL) and text_hits(PHONE)


def test_after_anonymisation_nothing_personal_remains_anywhere_searchable(
    db, django_capture_on_commit_callbacks, settings
):
    household = build_household(end_date=LONG_AGO)
    _admin_history(household.person)
    AccessLog.objects.create(username=EMAIL, user_agent="x", http_accept="*/*", path_info="/accounts/login/")
    files = [Path(household.letter.pdf.path), *(Path(p.image.path) for p in RepairPhoto.objects.all())]
    assert all(f.exists() for f in files)
    events_before = JournalEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = anonymise_ended(today=TODAY)

    assert result.anonymised == [household.tenancy.reference] and result.skipped == {}
    for needle in (NAME, "Zonnebloem", EMAIL, IBAN, PHONE):
        assert text_hits(needle) == [], needle
    assert not any(f.exists() for f in files)
    # The books and the journal are kept.
    entries = LedgerEntry.objects.filter(tenancy=household.tenancy)
    assert entries.count() == 2 and entries.aggregate(total=Sum("amount"))["total"] == 0
    assert JournalEvent.objects.count() == events_before + 1
    letter = Letter.objects.get(pk=household.letter.pk)
    assert (letter.kind, letter.arrears, letter.recipient_name, letter.pdf.name) == (
        "reminder",
        Decimal("700.00"),
        ANONYMISED_NAME,
        "",
    )
    household.user.refresh_from_db()
    assert not household.user.is_active and not household.user.has_usable_password()
    event = JournalEvent.objects.get(activity="personal_data_anonymised")
    assert event.actor_kind == "system"
    assert event.facts == {
        "retention_years": 7,
        "free_texts": 12,
        "letters": 1,
        "notes_deleted": 2,
        "persons_anonymised": 1,
        "photos_deleted": 1,
    }


@pytest.mark.parametrize(
    ("kwargs", "reasons"),
    [
        ({"debt": Decimal("50.00")}, ["open_debt"]),
        ({"open_episode": True}, ["open_arrears"]),
        ({"open_case": True}, ["open_case"]),
        (
            {"debt": Decimal("50.00"), "open_episode": True, "open_case": True},
            ["open_arrears", "open_case", "open_debt"],
        ),
    ],
)
def test_a_tenancy_with_open_debt_arrears_or_case_is_skipped_and_reported(db, kwargs, reasons):
    open_episode = kwargs.pop("open_episode", False)
    open_case = kwargs.pop("open_case", False)
    household = build_household(end_date=LONG_AGO, **kwargs)
    if open_episode:
        Episode.objects.create(tenancy=household.tenancy, opened_on=dt.date(2016, 11, 1))
    if open_case:
        CaseFactory(tenancy=household.tenancy)

    result = anonymise_ended(today=TODAY)

    assert result.anonymised == []
    assert result.skipped == {household.tenancy.reference: reasons}
    assert len(text_hits(NAME)) > 10
    assert not Anonymisation.objects.exists()
    assert not JournalEvent.objects.filter(activity="personal_data_anonymised").exists()


def test_a_tenancy_within_retention_or_running_is_left_alone(db):
    build_household(end_date=RECENTLY)
    TenancyFactory()  # running
    result = anonymise_ended(today=TODAY)
    assert result.anonymised == [] and result.skipped == {}
    assert text_hits(NAME)


def test_the_retention_period_is_a_setting(db, settings):
    build_household(end_date=LONG_AGO)
    settings.RETENTION_YEARS = 10
    assert anonymise_ended(today=TODAY).anonymised == []
    settings.RETENTION_YEARS = 9
    assert len(anonymise_ended(today=TODAY).anonymised) == 1


def test_a_dry_run_lists_and_changes_nothing(db):
    household = build_household(end_date=LONG_AGO)
    result = anonymise_ended(today=TODAY, dry_run=True)
    assert result.anonymised == [household.tenancy.reference] and not result.counts
    assert Person.objects.get(pk=household.person.pk).name == NAME
    assert not Anonymisation.objects.exists() and not JournalEvent.objects.filter(
        activity="personal_data_anonymised"
    )


def test_a_second_run_does_nothing(db):
    build_household(end_date=LONG_AGO)
    first = anonymise_ended(today=TODAY)
    second = anonymise_ended(today=TODAY + dt.timedelta(days=31))
    assert len(first.anonymised) == 1 and second.anonymised == [] and second.skipped == {}
    assert JournalEvent.objects.filter(activity="personal_data_anonymised").count() == 1


def test_a_person_with_another_tenancy_keeps_their_name_until_that_one_goes(db):
    household = build_household(end_date=LONG_AGO)
    new_home = TenancyFactory(tenant=None, iban=IBAN)  # they moved house, paying from the same account
    TenancyPartyFactory(tenancy=new_home, person=household.person)
    callback = CallbackRequestFactory(tenancy=new_home, user=household.user, note="Bel na tienen")
    statement = BankStatement.objects.create(
        file_name="y.xml", file_sha256="q" * 64, format=StatementFormat.CAMT053
    )
    payment = BankEntry.objects.create(
        statement=statement, dedupe_key="new-home", booking_date=TODAY, amount=Decimal("700.00"),
        counterparty_name=NAME, counterparty_iban=IBAN, status=BankEntryStatus.MATCHED, tenancy=new_home,
    )  # fmt: skip

    result = anonymise_ended(today=TODAY)

    assert result.counts["persons_kept"] == 1 and result.counts["persons_anonymised"] == 0
    person = Person.objects.get(pk=household.person.pk)
    assert (person.name, person.email) == (NAME, EMAIL)
    household.user.refresh_from_db()
    assert household.user.is_active
    # The old tenancy's own texts are gone all the same; the new home's stay.
    assert Letter.objects.get(pk=household.letter.pk).recipient_name == ANONYMISED_NAME
    assert Tenancy.objects.get(pk=household.tenancy.pk).iban == ""
    assert CallbackRequest.objects.get(pk=callback.pk).note == "Bel na tienen"
    assert BankEntry.objects.get(pk=payment.pk).counterparty_iban == IBAN

    # Once the new home has ended long ago too, the person goes.
    Tenancy.objects.filter(pk=new_home.pk).update(end_date=LONG_AGO)
    BankEntry.objects.filter(pk=payment.pk).update(tenancy=None)  # nothing owed on it
    second = anonymise_ended(today=TODAY)
    assert second.anonymised == [new_home.reference] and second.counts["persons_anonymised"] == 1
    for needle in (NAME, EMAIL, IBAN, PHONE):
        assert text_hits(needle) == [], needle


def test_the_cutoff_counts_whole_years_back():
    assert retention_cutoff(dt.date(2026, 11, 27), 7) == dt.date(2019, 11, 27)
    assert retention_cutoff(dt.date(2024, 2, 29), 7) == dt.date(2017, 2, 28)


def test_the_command_prints_a_summary_and_json(db):
    household = build_household(end_date=LONG_AGO)
    skipped = build_household(
        end_date=LONG_AGO,
        debt=Decimal("10.00"),
        name="Ander Persoon",
        email="ander@example.nl",
        iban="NL91ABNA0417164300",
    )
    out = io.StringIO()
    call_command("anonymise_ended", "--dry-run", "--today", "2026-11-27", stdout=out)
    assert "Would anonymise 1 tenancies that ended before 2019-11-27" in out.getvalue()
    assert f"{skipped.tenancy.reference}: open_debt" in out.getvalue()

    out = io.StringIO()
    call_command("anonymise_ended", "--today", "2026-11-27", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["anonymised"] == [household.tenancy.reference]
    assert summary["skipped"] == {skipped.tenancy.reference: ["open_debt"]}
    assert summary["counts"]["tenancies"] == 1


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="expected a date"):
        call_command("anonymise_ended", "--today", "27-11-2026")


def test_the_monthly_task_runs_the_same_service(db, settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC))
    household = build_household(end_date=LONG_AGO)
    summary = tasks.anonymise_ended.delay().get()
    assert summary["anonymised"] == [household.tenancy.reference]
    assert "anonymise-ended" in settings.CELERY_BEAT_SCHEDULE
