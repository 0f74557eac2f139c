import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.constants import ActorKind
from roer.repairs.contractor_tokens import (
    TOKEN_PREFIX,
    ContractorActor,
    ContractorTokenError,
    contractor_account_link,
    contractor_actor,
    contractor_demo_account_link,
    contractor_for_token,
    contractor_token_issue,
    contractor_token_revoke,
)
from roer.repairs.tests.factories import ContractorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor():
    return ContractorFactory(key="warmte-x")


def test_a_token_is_returned_once_and_only_its_keyed_hash_is_stored(contractor):
    token = contractor_token_issue(contractor=contractor)
    contractor.refresh_from_db()
    assert token.startswith(TOKEN_PREFIX) and len(token) > 40
    assert len(contractor.api_token_hash) == 64
    assert token not in contractor.api_token_hash
    assert contractor_for_token(token) == contractor


def test_the_hash_depends_on_the_secret_key(contractor, settings):
    token = contractor_token_issue(contractor=contractor)
    settings.SECRET_KEY = "another-secret-key-of-reasonable-length-0123456789"
    assert contractor_for_token(token) is None


@pytest.mark.parametrize(
    "wrong", ["", "roer_ct_", "roer_ct_guess", "not-even-prefixed", "roer_ct_" + "a" * 200]
)
def test_a_wrong_token_finds_nobody(contractor, wrong):
    contractor_token_issue(contractor=contractor)
    assert contractor_for_token(wrong) is None


def test_two_contractors_have_different_tokens(contractor):
    other = ContractorFactory(key="warmte-y")
    mine, theirs = contractor_token_issue(contractor=contractor), contractor_token_issue(contractor=other)
    assert mine != theirs
    assert (contractor_for_token(mine), contractor_for_token(theirs)) == (contractor, other)


def test_a_second_token_needs_rotate_and_then_the_old_one_stops(contractor):
    first = contractor_token_issue(contractor=contractor)
    with pytest.raises(ContractorTokenError):
        contractor_token_issue(contractor=contractor)
    assert contractor_for_token(first) == contractor
    second = contractor_token_issue(contractor=contractor, rotate=True)
    assert contractor_for_token(first) is None
    assert contractor_for_token(second) == contractor


def test_revoke(contractor):
    token = contractor_token_issue(contractor=contractor)
    contractor_token_revoke(contractor=contractor)
    assert contractor_for_token(token) is None
    with pytest.raises(ContractorTokenError):
        contractor_token_revoke(contractor=contractor)


def test_the_journal_records_the_issue_without_the_token(contractor):
    staff = UserFactory(roles=[Role.ADMINISTRATOR])
    first = contractor_token_issue(contractor=contractor, by=staff)
    second = contractor_token_issue(contractor=contractor, by=staff, rotate=True)
    contractor_token_revoke(contractor=contractor, by=staff)
    contractor.refresh_from_db()
    events = journal.events_for(contractor)
    issued = [e for e in events if e.activity == "contractor_token_issued"]
    assert [e.facts["rotated"] for e in issued] == [False, True]
    assert events[-1].activity == "contractor_token_revoked"
    assert issued[0].actor_kind == ActorKind.STAFF and issued[0].actor_id == staff.pk
    everything = str([e.facts for e in events])
    for secret in (first, second, first[len(TOKEN_PREFIX) :]):
        assert secret not in everything


# --- the command -------------------------------------------------------------------------------------


def run(*args):
    out = StringIO()
    call_command("contractor_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_working_token_once(contractor):
    output = run("warmte-x")
    token = next(line for line in output.splitlines() if line.startswith(TOKEN_PREFIX))
    assert contractor_for_token(token) == contractor
    with pytest.raises(CommandError, match="--rotate"):
        run("warmte-x")
    rotated = json.loads(run("warmte-x", "--rotate", "--json"))
    assert rotated["rotated"] is True and rotated["token"] != token
    assert contractor_for_token(token) is None
    assert contractor_for_token(rotated["token"]) == contractor


def test_the_command_revokes(contractor):
    token = contractor_token_issue(contractor=contractor)
    assert "revoked" in run("warmte-x", "--revoke")
    assert contractor_for_token(token) is None


def test_the_command_refuses_an_unknown_key(contractor):
    with pytest.raises(CommandError, match="no contractor"):
        run("nobody")


def test_the_command_warns_about_an_inactive_contractor(contractor):
    contractor.active = False
    contractor.save()
    assert "not active" in run("warmte-x")


# --- who acts ---------------------------------------------------------------------------------------


def test_without_an_account_a_contractor_actor_acts(contractor):
    actor = contractor_actor(contractor)
    assert isinstance(actor, ContractorActor)
    assert actor.journal_actor_kind == ActorKind.CONTRACTOR
    assert actor.has_role(Role.CONTRACTOR) and not actor.has_role(Role.CUSTOMER_SERVICE)
    assert actor.is_authenticated and not actor.is_staff_member and actor.pk is None


def test_a_linked_contractor_account_acts_itself(contractor):
    user = UserFactory(roles=[Role.CONTRACTOR])
    contractor_account_link(contractor=contractor, user=user)
    contractor.refresh_from_db()
    assert contractor_actor(contractor) == user


def test_only_a_contractor_account_can_be_linked(contractor):
    with pytest.raises(ContractorTokenError):
        contractor_account_link(contractor=contractor, user=UserFactory())
    with pytest.raises(ContractorTokenError):
        contractor_account_link(
            contractor=contractor, user=UserFactory(roles=[Role.CONTRACTOR, Role.CUSTOMER_SERVICE])
        )


def test_linking_moves_an_account_from_another_contractor(contractor):
    user = UserFactory(roles=[Role.CONTRACTOR])
    other = ContractorFactory(key="warmte-y", user=user)
    contractor_account_link(contractor=contractor, user=user)
    other.refresh_from_db()
    contractor.refresh_from_db()
    assert (other.user, contractor.user) == (None, user)
    event = journal.events_for(contractor)[-1]
    assert event.activity == "contractor_account_linked"
    assert event.facts["moved_from_contractor_id"] == other.pk


def test_the_demo_contractor_account_is_linked_to_the_heating_installer():
    user = UserFactory(username="aannemer", roles=[Role.CONTRACTOR])
    installer = ContractorFactory(key="warmte-totaal")
    contractor_demo_account_link()
    contractor_demo_account_link()  # again: nothing changes
    installer.refresh_from_db()
    assert installer.user == user
    assert [e.activity for e in journal.events_for(installer)].count("contractor_account_linked") == 1


def test_the_demo_link_does_nothing_without_the_account():
    installer = ContractorFactory(key="warmte-totaal")
    contractor_demo_account_link()
    installer.refresh_from_db()
    assert installer.user is None
