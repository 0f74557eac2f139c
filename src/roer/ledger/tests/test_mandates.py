"""Direct-debit mandates signed, changed and stopped online: ids, IBANs, dates, the journal, the e-mail and
what the next `export_direct_debits` makes of them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.dates import AMSTERDAM, is_working_day
from roer.core.models import JournalEvent
from roer.ledger.constants import EntryKind, EntrySource, PaymentChannel
from roer.ledger.models import DirectDebitCollection, LedgerEntry
from roer.ledger.services import mandates
from roer.ledger.services.direct_debit import direct_debits_export, pain008_schema
from roer.tenancies.constants import PartyRole, PaymentMethod
from roer.tenancies.models import Tenancy
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory, TenancyPartyFactory, valid_iban

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=AMSTERDAM)  # Tuesday 10 March 2026
TODAY = NOW.date()
APRIL = dt.date(2026, 4, 1)
MAY = dt.date(2026, 5, 1)
NEW_IBAN = "NL20INGB0001234567"
NEW_MASKED = "NL** **** **** **45 67"
GERMAN_IBAN = "DE89370400440532013000"

pytestmark = pytest.mark.django_db
# The date and id properties touch no fixture state; the module's autouse fixtures only set a folder.
PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def tenant_of(tenancy: Tenancy, role: str = PartyRole.TENANT):
    """A signed-in tenant: the tenancy's main tenant, or a new co-tenant."""
    user = UserFactory(roles=[Role.TENANT])
    if role == PartyRole.TENANT:
        person = tenancy.parties.get(role=PartyRole.TENANT).person
    else:
        person = TenancyPartyFactory(tenancy=tenancy, role=role).person
    person.user = user
    person.save(update_fields=["user"])
    return user


def charge(tenancy, month, amount="700.00"):
    return LedgerEntry.objects.create(
        tenancy=tenancy,
        date=month,
        period=month,
        kind=EntryKind.CHARGE,
        amount=Decimal(amount),
        source=EntrySource.ROER,
    )


def collected(tenancy, day, amount="-700.00"):
    return LedgerEntry.objects.create(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        method=PaymentChannel.DIRECT_DEBIT,
        amount=Decimal(amount),
        source=EntrySource.BANK,
    )


def transactions(path) -> dict[str, dict[str, str]]:
    """Per mandate id: sequence type, signature date, debtor IBAN and name, amount."""
    document = etree.parse(str(path))
    assert pain008_schema().validate(document), pain008_schema().error_log
    found = {}
    for info in document.iterfind(".//p:PmtInf", NS):
        for tx in info.iterfind("p:DrctDbtTxInf", NS):
            found[tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS)] = {
                "sequence": info.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS),
                "signed": tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:DtOfSgntr", namespaces=NS),
                "iban": tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS),
                "name": tx.findtext("p:Dbtr/p:Nm", namespaces=NS),
                "amount": tx.findtext("p:InstdAmt", namespaces=NS),
                "collection_date": info.findtext("p:ReqdColltnDt/p:Dt", namespaces=NS)
                or info.findtext("p:ReqdColltnDt", namespaces=NS),
            }
    return found


def sign_up(tenancy, user, *, iban=NEW_IBAN, holder="A. de Vries", now=NOW, **kwargs):
    return mandates.mandate_sign_up(
        tenancy=tenancy, iban=iban, account_holder=holder, by=user, now=now, **kwargs
    )


# --- the IBAN --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["NL20INGB0001234567", " nl20 ingb 0001 2345 67 ", "NL20-INGB-0001-2345-67"]
)
def test_a_good_iban_is_accepted_however_it_is_typed(typed):
    assert mandates.iban_checked(typed).compact == "NL20INGB0001234567"


def test_other_sepa_countries_are_accepted():
    assert mandates.iban_checked(GERMAN_IBAN).country_code == "DE"


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("NL91ABNA0417164301", "iban_invalid"),  # one digit off: the checksum fails
        ("NL92ABNA0417164300", "iban_invalid"),
        ("NL91ABNA041716430", "iban_invalid"),  # too short
        ("XX91ABNA0417164300", "iban_invalid"),  # no such country
        ("BR1800360305000010009795493C1", "iban_not_sepa"),  # valid, but outside SEPA
        ("TR330006100519786457841326", "iban_not_sepa"),
        ("", "iban_missing"),
    ],
)
def test_a_wrong_or_non_sepa_iban_is_refused_in_words(typed, code):
    with pytest.raises(mandates.MandateError) as caught:
        mandates.iban_checked(typed)
    assert caught.value.code == code and caught.value.field == "iban"
    if code == "iban_invalid":
        assert str(caught.value).startswith("This IBAN is not right.")
    if code == "iban_not_sepa":
        assert "SEPA" in str(caught.value)


def test_the_iban_is_masked_to_its_last_four():
    assert mandates.mask_iban("NL91ABNA0417164300") == "NL** **** **** **43 00"
    assert mandates.mask_iban("nl20 ingb 0001 2345 67") == NEW_MASKED
    masked = mandates.mask_iban(GERMAN_IBAN)
    assert masked.endswith("30 00") and masked.startswith("DE**") and "3704" not in masked


# --- mandate ids -----------------------------------------------------------------------------------


def test_a_mandate_id_is_prefix_reference_and_sequence():
    assert mandates.mandate_id_for("HO000123", 1) == "ROER-HO000123-01"
    assert mandates.mandate_id_for("ho-2024-7", 12) == "ROER-HO-2024-7-12"


@given(reference=st.text(min_size=1, max_size=40), sequence=st.integers(min_value=1, max_value=99))
@PROPERTY
def test_every_mandate_id_fits_sepa(reference, sequence):
    mandate_id = mandates.mandate_id_for(reference, sequence)
    assert len(mandate_id) <= 35
    assert mandates.SEPA_MANDATE_ID.match(mandate_id)
    assert not mandate_id.startswith("/") and "//" not in mandate_id
    assert mandate_id.startswith("ROER-") and mandate_id.endswith(f"-{sequence:02d}")
    assert mandate_id == mandates.mandate_id_for(reference, sequence)  # deterministic


def test_long_or_odd_references_are_hashed_and_stay_distinct():
    long_a, long_b = "A" * 30 + "1", "A" * 30 + "2"
    ids = {mandates.mandate_id_for(ref, 1) for ref in (long_a, long_b, "HO 1/2", "HO 1/3", "HO€1")}
    assert len(ids) == 5
    assert all(len(i) <= 35 and mandates.SEPA_MANDATE_ID.match(i) for i in ids)


@pytest.mark.django_db
def test_mandate_ids_are_unique_across_tenancies_and_sign_ups():
    first, second = TenancyFactory(), TenancyFactory()
    taken = TenancyFactory(direct_debit=True)
    # A mandate from the ERP that happens to look like the next id Roer would issue for `first`.
    Tenancy.objects.filter(pk=taken.pk).update(mandate_id=mandates.mandate_id_for(first.reference, 1).lower())
    user = tenant_of(first)
    one = sign_up(first, user).mandate_id
    two = sign_up(second, tenant_of(second)).mandate_id
    mandates.mandate_cancel(tenancy=first, by=user, now=NOW)
    three = sign_up(first, user, now=NOW + dt.timedelta(days=1)).mandate_id
    assert one == mandates.mandate_id_for(first.reference, 2)  # 01 was taken (case-insensitively)
    assert three == mandates.mandate_id_for(first.reference, 3)
    assert len({one, two, three, taken.mandate_id}) == 4
    for mandate_id in (one, two, three):
        assert len(mandate_id) <= 35 and mandates.SEPA_MANDATE_ID.match(mandate_id)


# --- the first collection: the pre-notification date math ------------------------------------------


@pytest.mark.parametrize(
    ("signed_on", "first_collection"),
    [
        (dt.date(2026, 3, 10), dt.date(2026, 4, 1)),  # 22 days ahead: next month
        (dt.date(2026, 3, 18), dt.date(2026, 4, 1)),  # exactly 14 days
        (dt.date(2026, 3, 19), dt.date(2026, 5, 1)),  # 13 days: too short, the month after
        (dt.date(2026, 1, 31), dt.date(2026, 3, 2)),  # month end; 1 March 2026 is a Sunday
        (dt.date(2026, 2, 15), dt.date(2026, 3, 2)),  # February's 28 days: 1 March is day 14
        (dt.date(2026, 2, 16), dt.date(2026, 3, 2)),  # day 14 is 2 March, the collection day itself
        (dt.date(2026, 2, 17), dt.date(2026, 4, 1)),
        (dt.date(2028, 2, 16), dt.date(2028, 3, 1)),  # a leap year: 29 February
        (dt.date(2026, 12, 18), dt.date(2027, 1, 4)),  # New Year's Day on a Friday: Monday 4 January
        (dt.date(2026, 12, 21), dt.date(2027, 1, 4)),  # the holiday buys three days
        (dt.date(2026, 12, 22), dt.date(2027, 2, 1)),
        (dt.date(2024, 3, 18), dt.date(2024, 4, 2)),  # Easter Monday 1 April 2024
        (dt.date(2024, 3, 19), dt.date(2024, 4, 2)),
        (dt.date(2024, 3, 20), dt.date(2024, 5, 1)),
    ],
)
def test_the_first_collection_is_the_first_collection_day_at_least_14_days_ahead(signed_on, first_collection):
    month = mandates.first_collection_month(signed_on)
    assert mandates.collection_date_for(month) == first_collection


@given(signed_on=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 31)))
@PROPERTY
def test_the_first_collection_is_announced_in_time_and_never_later_than_needed(signed_on):
    month = mandates.first_collection_month(signed_on)
    day = mandates.collection_date_for(month)
    assert month.day == 1 and day.month == month.month
    assert is_working_day(day) and all(
        not is_working_day(month + dt.timedelta(days=n)) for n in range((day - month).days)
    )
    assert (day - signed_on).days >= mandates.PRE_NOTIFICATION_DAYS
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    if earlier >= signed_on.replace(day=1):
        assert (mandates.collection_date_for(earlier) - signed_on).days < mandates.PRE_NOTIFICATION_DAYS


def test_a_tenancy_that_starts_later_is_first_collected_in_its_first_month():
    assert mandates.first_collection_month(dt.date(2026, 3, 1), start_date=dt.date(2026, 6, 15)) == dt.date(
        2026, 6, 1
    )


# --- signing up ------------------------------------------------------------------------------------


def test_sign_up_issues_a_mandate_and_switches_to_direct_debit(django_capture_on_commit_callbacks):
    tenancy = TenancyFactory(reference="HO000777")
    user = tenant_of(tenancy)
    with django_capture_on_commit_callbacks(execute=True):
        result = sign_up(tenancy, user)
    tenancy.refresh_from_db()
    assert result.mandate_id == tenancy.mandate_id == "ROER-HO000777-01"
    assert tenancy.mandate_date == TODAY
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT
    assert (tenancy.iban, tenancy.iban_valid, tenancy.account_holder) == (NEW_IBAN, True, "A. de Vries")
    assert tenancy.direct_debit_from == APRIL == result.plan.first.date
    assert result.plan.first.amount == Decimal("700.00")  # the rent, before April is charged
    assert tenancy.mandates_issued == 1


def test_the_journal_has_the_mandate_but_never_the_iban_or_the_name(django_capture_on_commit_callbacks):
    tenancy = TenancyFactory()
    user = tenant_of(tenancy)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(tenancy, user, iban="nl20 ingb 0001 2345 67", holder="Anna de Vries")
    changed_to = valid_iban(9876)
    with django_capture_on_commit_callbacks(execute=True):
        mandates.mandate_change_iban(
            tenancy=tenancy, iban=changed_to, account_holder="Anna de Vries", by=user, now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        mandates.mandate_cancel(tenancy=tenancy, by=user, now=NOW)
    events = list(JournalEvent.objects.filter(activity__startswith="mandate_").order_by("id"))
    activities = [e.activity for e in events]
    assert activities == [
        "mandate_signed",
        "mandate_confirmation_sent",
        "mandate_iban_changed",
        "mandate_confirmation_sent",
        "mandate_cancelled",
        "mandate_confirmation_sent",
    ]
    signed = events[0]
    assert signed.actor_kind == "tenant" and signed.channel == "INT"
    assert signed.facts["mandate_date"] == "2026-03-10" and signed.facts["sequence"] == "FRST"
    assert signed.facts["first_collection"] == "2026-04-01" and signed.facts["first_amount"] == "700.00"
    dumped = json.dumps([e.facts for e in events])
    for secret in (NEW_IBAN, "0001234567", "4567", changed_to, changed_to[-4:], "Anna", "Vries"):
        assert secret not in dumped
    assert events[2].facts["previous_mandate_id"] == signed.facts["mandate_id"]


def test_the_confirmation_mail_goes_after_commit_in_dutch_with_the_masked_iban(
    django_capture_on_commit_callbacks,
):
    tenancy = TenancyFactory(payment_reference="7000000000123456")
    user = tenant_of(tenancy)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = sign_up(tenancy, user)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing is sent before the commit
    callbacks[0]()
    [message] = mail.outbox
    assert message.to == [user.email]
    body = message.body
    assert result.mandate_id in body
    assert NEW_MASKED in body and NEW_IBAN not in body and "INGB" not in body
    assert "10 maart 2026" in body  # the mandate's date, in Dutch month names whatever the catalogue says
    assert "1 april 2026" in body and "€ 700,00" in body
    assert django_settings.CREDITOR_ID in body and django_settings.CORPORATION_NAME in body


def test_the_next_export_collects_the_new_mandate_as_first(export_dir):
    tenancy = TenancyFactory()
    user = tenant_of(tenancy)
    result = sign_up(tenancy, user)
    charge(tenancy, APRIL)

    export = direct_debits_export(month=APRIL)

    assert export.collection_date == result.plan.first.date
    assert export.collection_date == mandates.collection_date_for(APRIL)
    found = transactions(export.path)[result.mandate_id]
    assert {key: value for key, value in found.items() if key != "name"} == {
        "sequence": "FRST",
        "signed": "2026-03-10",
        "iban": NEW_IBAN,
        "amount": "700.00",
        "collection_date": "2026-04-01",
    }
    # And the month after, recurring.
    charge(tenancy, MAY)
    assert transactions(direct_debits_export(month=MAY).path)[result.mandate_id]["sequence"] == "RCUR"


def test_no_collection_before_the_announced_first_one():
    tenancy = TenancyFactory()
    result = sign_up(tenancy, tenant_of(tenancy), now=dt.datetime(2026, 3, 20, 12, tzinfo=AMSTERDAM))
    assert result.plan.first.date == MAY
    charge(tenancy, APRIL)
    export = direct_debits_export(month=APRIL)
    assert [s["reason"] for s in export.skipped if s["tenancy"] == tenancy.reference] == [
        "before_announced_first_collection"
    ]


def test_the_export_names_the_account_holder_given_online():
    tenancy = TenancyFactory()
    result = sign_up(tenancy, tenant_of(tenancy), holder="J. Jansen-de Boer")
    charge(tenancy, APRIL)
    assert (
        transactions(direct_debits_export(month=APRIL).path)[result.mandate_id]["name"] == "J. Jansen-de Boer"
    )


def test_our_own_account_is_not_the_tenants(settings):
    tenancy = TenancyFactory()
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, tenant_of(tenancy), iban=settings.CREDITOR_IBAN.lower())
    assert caught.value.code == "creditor_iban" and caught.value.field == "iban"


def test_sign_up_refuses_a_wrong_iban_and_changes_nothing():
    tenancy = TenancyFactory()
    before = (tenancy.iban, tenancy.payment_method, tenancy.mandate_id)
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, tenant_of(tenancy), iban="NL91ABNA0417164301")
    assert caught.value.field == "iban"
    tenancy.refresh_from_db()
    assert (tenancy.iban, tenancy.payment_method, tenancy.mandate_id) == before
    assert not JournalEvent.objects.filter(activity__startswith="mandate_").exists()


@pytest.mark.usefixtures("in_english")
def test_sign_up_refuses_when_already_collecting_or_without_a_name():
    tenancy = TenancyFactory(direct_debit=True)
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, tenant_of(tenancy))
    assert caught.value.code == "already_active"
    other = TenancyFactory()
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(other, tenant_of(other), holder="   ")
    assert caught.value.field == "account_holder"


def test_a_first_collection_date_that_no_longer_holds_signs_nothing():
    tenancy = TenancyFactory()
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, tenant_of(tenancy), announced=dt.date(2026, 3, 2))
    assert caught.value.code == "plan_changed"
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.TRANSFER and not tenancy.mandate_id


def test_months_before_the_first_collection_are_paid_by_transfer():
    tenancy = TenancyFactory()
    plan = mandates.mandate_plan(
        tenancy=tenancy, iban=NEW_IBAN, account_holder="A", today=dt.date(2026, 3, 20)
    )
    assert plan.first.month == MAY
    assert [(t.month, t.date, t.amount) for t in plan.transfer] == [
        (APRIL, dt.date(2026, 3, 31), Decimal("700.00"))
    ]


def test_an_ended_contract_has_nothing_to_collect():
    tenancy = TenancyFactory(end_date=dt.date(2026, 3, 31))
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, tenant_of(tenancy))
    assert caught.value.code == "nothing_to_collect"


# --- who may ---------------------------------------------------------------------------------------


def test_a_co_tenant_may_sign_up_but_nobody_else():
    tenancy = TenancyFactory()
    stranger = UserFactory(roles=[Role.TENANT])
    other_tenant = tenant_of(TenancyFactory())
    staff = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    for user in (stranger, other_tenant, staff, None):
        with pytest.raises(PermissionDenied):
            sign_up(tenancy, user)
        assert not mandates.may_manage(tenancy, user)
    co_tenant = tenant_of(tenancy, role=PartyRole.CO_TENANT)
    assert sign_up(tenancy, co_tenant).mandate_id


@pytest.mark.usefixtures("in_english")
def test_with_a_financial_administrator_the_administrator_arranges_payments():
    tenancy = TenancyFactory(administrator_name="Bewindvoering Noord B.V.")
    user = tenant_of(tenancy)
    with pytest.raises(mandates.MandateError) as caught:
        sign_up(tenancy, user)
    assert caught.value.code == "administrator"
    assert "financial administrator" in str(caught.value)
    active = TenancyFactory(direct_debit=True, administrator_name="Bewindvoering Noord B.V.")
    active_user = tenant_of(active)
    for call in (
        lambda: mandates.mandate_change_iban(
            tenancy=active, iban=NEW_IBAN, account_holder="A", by=active_user, now=NOW
        ),
        lambda: mandates.mandate_cancel(tenancy=active, by=active_user, now=NOW),
    ):
        with pytest.raises(mandates.MandateError) as caught:
            call()
        assert caught.value.code == "administrator"
    active.refresh_from_db()
    assert active.payment_method == PaymentMethod.DIRECT_DEBIT
    assert mandates.mandate_status(tenancy, TODAY).administrator


# --- changing the IBAN -----------------------------------------------------------------------------


def running_mandate():
    """Collected every month since 2020 under an ERP mandate."""
    tenancy = TenancyFactory(direct_debit=True, mandate_id="ERP-M-1", mandate_date=dt.date(2020, 1, 5))
    collected(tenancy, dt.date(2026, 3, 2))
    return tenancy


def test_a_new_iban_gets_a_new_mandate_first_collected_as_frst(django_capture_on_commit_callbacks):
    tenancy = running_mandate()
    user = tenant_of(tenancy)
    old_iban = tenancy.iban
    with django_capture_on_commit_callbacks(execute=True):
        result = mandates.mandate_change_iban(
            tenancy=tenancy, iban=GERMAN_IBAN, account_holder="A. de Vries", by=user, now=NOW
        )
    tenancy.refresh_from_db()
    assert result.mandate_id != "ERP-M-1" and tenancy.mandate_id == result.mandate_id
    assert tenancy.mandate_date == TODAY and tenancy.iban == GERMAN_IBAN != old_iban
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT
    event = JournalEvent.objects.get(activity="mandate_iban_changed")
    assert event.facts["previous_mandate_id"] == "ERP-M-1" and event.facts["amendment"] is False
    [message] = mail.outbox
    assert result.mandate_id in message.body and mandates.mask_iban(GERMAN_IBAN) in message.body
    assert GERMAN_IBAN not in message.body

    charge(tenancy, APRIL)
    found = transactions(direct_debits_export(month=APRIL).path)
    assert list(found) == [result.mandate_id]
    assert found[result.mandate_id]["sequence"] == "FRST"
    assert found[result.mandate_id]["iban"] == GERMAN_IBAN
    assert found[result.mandate_id]["signed"] == "2026-03-10"


def test_the_same_iban_again_is_no_change():
    tenancy = running_mandate()
    with pytest.raises(mandates.MandateError) as caught:
        mandates.mandate_change_iban(
            tenancy=tenancy, iban=tenancy.iban, account_holder="A", by=tenant_of(tenancy), now=NOW
        )
    assert caught.value.code == "same_iban"


def test_changing_needs_a_running_direct_debit():
    tenancy = TenancyFactory()
    with pytest.raises(mandates.MandateError) as caught:
        mandates.mandate_change_iban(
            tenancy=tenancy, iban=NEW_IBAN, account_holder="A", by=tenant_of(tenancy), now=NOW
        )
    assert caught.value.code == "not_active"


def test_a_collection_already_sent_to_the_bank_is_not_announced_twice():
    tenancy = running_mandate()
    DirectDebitCollection.objects.create(
        tenancy=tenancy,
        month=APRIL,
        mandate_id="ERP-M-1",
        sequence="RCUR",
        amount=Decimal("700.00"),
        end_to_end_id="202604-X",
        message_id="ROER-DD-2026-04",
        collection_date=APRIL,
    )
    plan = mandates.mandate_plan(
        tenancy=tenancy, iban=NEW_IBAN, account_holder="A", today=dt.date(2026, 3, 20)
    )
    assert plan.first.month == MAY
    assert plan.transfer == []  # April is in the file at the bank: not to be transferred as well
    assert [(c.month, c.amount) for c in plan.already_sent] == [(APRIL, Decimal("700.00"))]


def test_an_iban_change_on_collection_day_still_starts_with_frst():
    tenancy = running_mandate()
    collected(tenancy, APRIL)  # April's collection booked on 1 April, the day of the change
    result = mandates.mandate_change_iban(
        tenancy=tenancy,
        iban=NEW_IBAN,
        account_holder="A",
        by=tenant_of(tenancy),
        now=dt.datetime(2026, 4, 1, 10, tzinfo=AMSTERDAM),
    )
    assert result.plan.first.month == MAY
    charge(tenancy, MAY)
    assert transactions(direct_debits_export(month=MAY).path)[result.mandate_id]["sequence"] == "FRST"


# --- stopping --------------------------------------------------------------------------------------


def test_stopping_means_paying_by_transfer_under_the_payment_reference(django_capture_on_commit_callbacks):
    tenancy = running_mandate()
    Tenancy.objects.filter(pk=tenancy.pk).update(payment_reference="7000000000654321")
    tenancy.refresh_from_db()
    user = tenant_of(tenancy)
    with django_capture_on_commit_callbacks(execute=True):
        result = mandates.mandate_cancel(tenancy=tenancy, by=user, now=NOW)
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.TRANSFER
    assert tenancy.mandate_id == "ERP-M-1"  # kept, so a late return still finds the tenancy
    assert result.payment_reference == "7000000000654321"
    assert "7000000000654321" in mail.outbox[0].body
    assert JournalEvent.objects.get(activity="mandate_cancelled").facts["mandate_id"] == "ERP-M-1"
    status = mandates.mandate_status(tenancy, TODAY)
    assert not status.active and status.next_collection is None
    charge(tenancy, APRIL)
    export = direct_debits_export(month=APRIL)
    assert export.path is None  # nobody left to collect
    with pytest.raises(mandates.MandateError):
        mandates.mandate_cancel(tenancy=tenancy, by=user, now=NOW)


# --- the status ------------------------------------------------------------------------------------


def test_the_status_of_a_running_mandate():
    tenancy = running_mandate()
    status = mandates.mandate_status(tenancy, TODAY)
    assert status.active and status.mandate_id == "ERP-M-1" and status.mandate_date == dt.date(2020, 1, 5)
    assert status.masked_iban == mandates.mask_iban(tenancy.iban)
    assert status.masked_iban.replace(" ", "").endswith(tenancy.iban[-4:])
    assert status.masked_iban.count("*") == len(tenancy.iban) - 6
    assert status.next_collection == mandates.PlannedCollection(
        month=APRIL, date=APRIL, amount=Decimal("700.00")
    )
    # A charge booked for the month is what is collected; an exported collection is what the file says.
    charge(tenancy, APRIL, amount="712.50")
    assert mandates.next_collection(tenancy, TODAY).amount == Decimal("712.50")
    DirectDebitCollection.objects.create(
        tenancy=tenancy,
        month=APRIL,
        mandate_id="ERP-M-1",
        sequence="RCUR",
        amount=Decimal("710.00"),
        end_to_end_id="202604-Y",
        message_id="ROER-DD-2026-04",
        collection_date=dt.date(2026, 4, 2),
    )
    assert mandates.next_collection(tenancy, TODAY).amount == Decimal("710.00")
    # On the collection day itself, that day; the day after, next month's.
    assert mandates.next_collection(tenancy, APRIL).date == APRIL
    assert mandates.next_collection(tenancy, dt.date(2026, 4, 2)).date == MAY


def test_no_mandate_is_no_status():
    tenancy = TenancyFactory()
    status = mandates.mandate_status(tenancy, TODAY)
    assert not status.active and status.mandate_id == "" and status.masked_iban == ""
    assert status.next_collection is None and not status.administrator
    assert status.payment_reference == tenancy.reference  # no structured reference: the contract number
    Tenancy.objects.filter(pk=tenancy.pk).update(payment_reference="7000000000000999")
    tenancy.refresh_from_db()
    assert mandates.mandate_status(tenancy, TODAY).payment_reference == "7000000000000999"


def test_the_mail_goes_to_the_person_when_the_account_has_no_address(django_capture_on_commit_callbacks):
    tenancy = TenancyFactory()
    user = tenant_of(tenancy)
    user.email = ""
    user.save(update_fields=["email"])
    person = tenancy.parties.get().person
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(tenancy, user)
    assert mail.outbox[0].to == [person.email]


def test_without_any_address_no_mail_and_no_sent_event(django_capture_on_commit_callbacks):
    tenancy = TenancyFactory(tenant=None)
    TenancyPartyFactory(tenancy=tenancy, person=PersonFactory(email=""))
    user = tenant_of(tenancy)
    user.email = ""
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(tenancy, user)
    assert mail.outbox == []
    assert not JournalEvent.objects.filter(activity="mandate_confirmation_sent").exists()
