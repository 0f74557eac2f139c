"""Inzage (art. 15 AVG): everything about one person, as JSON and PDF, journaled with who, channel and why."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.models import JournalEvent
from roer.privacy import documents, selectors
from roer.privacy.constants import EXPORT_FORMAT, EXPORT_VERSION
from roer.privacy.services import personal_data_export
from roer.tenancies.tests.factories import TenancyFactory, valid_iban

from .conftest import EMAIL, GENERAL_TEXT, HEALTH_TEXT, IBAN, NAME, PHONE, build_household

SCHEMA = json.loads((Path(selectors.__file__).parent / "personal_data.schema.json").read_text())


def exported_events() -> list[JournalEvent]:
    return list(JournalEvent.objects.filter(activity="personal_data_exported").prefetch_related("subjects"))


def test_the_export_holds_every_kind_of_their_data(household):
    data = selectors.personal_data(person=household.person, include_protected_notes=False)

    jsonschema.validate(data, SCHEMA)
    assert (data["format"], data["version"]) == (EXPORT_FORMAT, EXPORT_VERSION)
    assert data["person"]["name"] == NAME and data["person"]["phone"] == PHONE
    assert data["account"]["email"] == EMAIL
    [tenancy] = data["tenancies"]
    assert tenancy["iban"] == IBAN and tenancy["direct_debit"]["account_holder"] == NAME
    assert tenancy["rent"][0]["base_rent"] == "670.00"
    assert [e["kind"] for e in tenancy["ledger_entries"]] == ["charge", "payment"]
    assert tenancy["ledger_entries"][1]["amount"] == "-700.00"
    assert tenancy["bank_entries"][0]["counterparty_iban"] == IBAN
    assert tenancy["arrears_episodes"][0]["closed_on"] == "2014-04-01"
    assert tenancy["letters"][0]["recipient_name"] == NAME and "html" not in tenancy["letters"][0]
    assert tenancy["arrangements"][0]["decision_note"].startswith("Akkoord")
    [case] = tenancy["cases"]
    assert [n["category"] for n in case["notes"]] == ["general", "health"]
    assert tenancy["contact_moments"][0]["summary"].startswith(NAME)
    [repair] = tenancy["repair_requests"]
    assert repair["code"] == household.repair.code and NAME in repair["description"]
    assert len(repair["photos"]) == 1 and repair["satisfaction"]["grade"] == 8
    assert NAME in repair["work_orders"][0]["remark"] and NAME in repair["messages"][0]["text"]
    assert data["callbacks"][0]["phone"] == PHONE
    assert data["answer_feedback"][0]["helped"] is False
    assert NAME in data["holds"][0]["reason"]
    assert [e["activity"] for e in data["journal"]] == ["repair_submitted"]


def test_health_notes_are_withheld_unless_the_reader_may_see_them(household, in_english):
    withheld = selectors.personal_data(person=household.person, include_protected_notes=False)
    shown = selectors.personal_data(person=household.person, include_protected_notes=True)

    assert HEALTH_TEXT not in json.dumps(withheld) and GENERAL_TEXT in json.dumps(withheld)
    assert withheld["tenancies"][0]["cases"][0]["notes"][1] | {"created_at": None} == {
        "created_at": None,
        "category": "health",
        "category_label": "Health (special-category data)",
        "text": None,
        "withheld": True,
    }
    assert HEALTH_TEXT in json.dumps(shown)
    assert selectors.protected_note_count(withheld) == 0 and selectors.protected_note_count(shown) == 1


def test_another_persons_data_is_not_in_it(household):
    build_household(end_date=None, name="Iemand Anders", email="anders@example.nl", iban=valid_iban(9292))
    data = selectors.personal_data(person=household.person, include_protected_notes=False)
    assert [t["reference"] for t in data["tenancies"]] == [household.tenancy.reference]
    assert len(data["callbacks"]) == 1 and len(data["journal"]) == 1
    assert "Iemand Anders" not in json.dumps(data)


def test_the_pdf_is_built_from_the_same_data(household):
    pdf = personal_data_export(
        person=household.person, by=household.user, channel="INT", reason="self_service", export_format="pdf"
    )
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 5_000


# --- the portal ------------------------------------------------------------------------------------


@pytest.fixture
def tenant_client(client, household):
    client.force_login(household.user)
    return client


def test_the_portal_page_offers_both_downloads(tenant_client, household):
    page = tenant_client.get(reverse("portal:personal_data"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("portal:personal_data_json") in html and reverse("portal:personal_data_pdf") in html
    assert NAME in html
    assert exported_events() == []  # looking at the page is not an export


def test_a_tenant_downloads_their_own_json_and_it_is_journaled(tenant_client, household):
    response = tenant_client.get(reverse("portal:personal_data_json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["name"] == NAME
    assert HEALTH_TEXT not in response.content.decode()  # special-category notes: social managers only
    [event] = exported_events()
    assert (event.actor_kind, event.actor_id, event.channel) == ("tenant", household.user.pk, "INT")
    assert event.facts == {"format": "json", "reason": "self_service", "version": 1, "protected_notes": 0}
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("tenancies.person", str(household.person.pk)),
        ("tenancies.tenancy", str(household.tenancy.pk)),
    }
    assert NAME not in json.dumps(event.facts)


def test_a_tenant_downloads_the_pdf(tenant_client):
    response = tenant_client.get(reverse("portal:personal_data_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store"
    assert [e.facts["format"] for e in exported_events()] == ["pdf"]


def test_another_tenant_gets_only_their_own(client, household):
    other_user = UserFactory(roles=[Role.TENANT])
    other = TenancyFactory().parties.get().person
    other.user = other_user
    other.save()
    client.force_login(other_user)

    data = json.loads(client.get(reverse("portal:personal_data_json")).content)

    assert data["person"]["name"] == other.name
    assert NAME not in json.dumps(data)


def test_an_account_without_a_person_record_has_nothing_to_download(client, db, in_english):
    client.force_login(UserFactory(roles=[Role.TENANT]))
    assert "We cannot find personal details" in client.get(reverse("portal:personal_data")).content.decode()
    assert client.get(reverse("portal:personal_data_json")).status_code == 404
    assert exported_events() == []


# --- the staff command -----------------------------------------------------------------------------


def test_staff_export_by_a_social_manager_includes_health_notes_and_is_journaled(
    household, social_manager, tmp_path
):
    target = tmp_path / "inzage.json"
    call_command(
        "export_personal_data",
        person=household.person.pk,
        export_format="json",
        reason="access_request",
        by=social_manager.username,
        output=target,
        stdout=io.StringIO(),
    )
    data = json.loads(target.read_text())
    assert HEALTH_TEXT in json.dumps(data)
    [event] = exported_events()
    assert (event.actor_kind, event.actor_id, event.channel) == ("staff", social_manager.pk, "BRI")
    assert event.facts == {"format": "json", "reason": "access_request", "version": 1, "protected_notes": 1}


def test_staff_export_as_pdf_by_customer_service_withholds_health_notes(household, tmp_path):
    clerk = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    target = tmp_path / "inzage.pdf"
    call_command(
        "export_personal_data",
        "--person", str(household.person.pk), "--format", "pdf", "--reason", "portability_request",
        "--by", clerk.username, "--channel", "BAL", "-o", str(target),
        stdout=io.StringIO(),
    )  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF-")
    [event] = exported_events()
    assert (event.channel, event.facts["protected_notes"], event.facts["reason"]) == (
        "BAL",
        0,
        "portability_request",
    )


@pytest.mark.parametrize(
    ("person", "by", "message"),
    [(999_999, "staff", "no person with id 999999"), (None, "tenant", "not an active staff member")],
)
def test_the_command_refuses_a_wrong_person_or_a_non_staff_user(
    household, social_manager, tmp_path, person, by, message
):
    username = social_manager.username if by == "staff" else household.user.username
    with pytest.raises(CommandError, match=message):
        call_command(
            "export_personal_data",
            person=person or household.person.pk,
            export_format="json",
            reason="access_request",
            by=username,
            output=tmp_path / "x.json",
        )
    assert exported_events() == []
    assert not (tmp_path / "x.json").exists()


def test_the_reason_is_a_code_not_free_text(household, social_manager, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_personal_data",
            "--person", str(household.person.pk), "--format", "json", "--reason", "because she asked",
            "--by", social_manager.username, "-o", str(tmp_path / "x.json"),
        )  # fmt: skip


def test_the_pdf_shows_words_for_codes_and_prints_long_lists_as_lines():
    rows = [{"date": "2015-01-01", "kind": "charge", "kind_label": "Vordering", "amount": "700.00"}] * 41
    block = documents._block("Rental contract", {"ledger_entries": rows, "notes": rows[:2]}, 2)
    long_list, short_list = block.tables
    assert long_list.columns == ["Date", "Kind", "Amount"]
    assert long_list.rows[0] == ["2015-01-01", "Vordering", "700.00"]
    assert long_list.as_lines and not short_list.as_lines
