"""Who may open which console page: anonymous people sign in, staff verify their second factor first, and
everyone else without the role gets 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.arrears.models import Arrangement, BailiffProposal, Episode
from roer.casework.tests.factories import CaseFactory
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import bank_entry, make_user, sign_in

pytestmark = pytest.mark.django_db

SM, CO, FO = Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER, Role.FINANCE_OFFICER
ALL_ROLES = [
    Role.TENANT,
    Role.CUSTOMER_SERVICE,
    Role.SOCIAL_MANAGER,
    Role.COLLECTIONS_OFFICER,
    Role.FINANCE_OFFICER,
    Role.PROCESS_SUPERVISOR,
    Role.ADMINISTRATOR,
    Role.CONTRACTOR,
]

# (url name, the kind of object its argument is, the roles that may open it)
PAGES = [
    ("console:home", None, {SM, CO, FO, Role.CUSTOMER_SERVICE, Role.PROCESS_SUPERVISOR}),
    ("console:case_queue", None, {SM, CO}),
    ("console:case_detail", "case", {SM, CO}),
    ("console:arrangements", None, {SM, CO}),
    ("console:collections", None, {CO}),
    ("console:unmatched", None, {FO}),
    ("console:unmatched_entry", "entry", {FO}),
]
ACTIONS = [
    ("console:case_take", "case", {SM}),
    ("console:case_contact", "case", {SM}),
    ("console:case_arrangement", "case", {SM}),
    ("console:case_waive_costs", "case", {SM}),
    ("console:case_hold", "case", {SM}),
    ("console:case_debt_help", "case", {SM}),
    ("console:case_objection", "case", {SM}),
    ("console:case_note", "case", {SM}),
    ("console:case_close", "case", {SM}),
    ("console:arrangement_decision", "arrangement", {SM, CO}),
    ("console:final_notice_approve", "episode", {CO}),
    ("console:final_notice_postpone", "episode", {CO}),
    ("console:bailiff_decision", "proposal", {CO}),
    ("console:unmatched_assign", "entry", {FO}),
    ("console:unmatched_return", "entry", {FO}),
]


@pytest.fixture
def objects():
    tenancy = TenancyFactory()
    episode = Episode.objects.create(tenancy=tenancy, opened_on=dt.date(2026, 9, 2))
    return {
        "case": CaseFactory(tenancy=tenancy),
        "episode": episode,
        "proposal": BailiffProposal.objects.create(
            tenancy=tenancy, episode=episode, proposed_on=dt.date(2026, 10, 20), arrears=Decimal("2100.00")
        ),
        "arrangement": Arrangement.objects.create(
            tenancy=tenancy,
            amount=Decimal("1500.00"),
            start_date=dt.date(2026, 11, 1),
            proposed_at=timezone.now(),
        ),
        "entry": bank_entry(),
    }


def _url(name: str, kind: str | None, objects: dict) -> str:
    return reverse(name, args=[objects[kind].pk]) if kind else reverse(name)


@pytest.mark.parametrize(("name", "kind", "allowed"), PAGES + ACTIONS)
def test_anonymous_people_are_sent_to_sign_in(client, objects, name, kind, allowed):
    url = _url(name, kind, objects)
    response = client.post(url) if (name, kind, allowed) in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "kind", "allowed"), PAGES + ACTIONS)
def test_unverified_staff_are_sent_to_verify_their_second_factor(client, objects, name, kind, allowed):
    client.force_login(make_user(*allowed))  # password only: no second factor in this session
    url = _url(name, kind, objects)
    response = client.post(url) if (name, kind, allowed) in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("name", "kind", "allowed"), PAGES)
def test_pages_open_for_their_roles_only(client, objects, role, name, kind, allowed):
    sign_in(client, make_user(role))
    response = client.get(_url(name, kind, objects))
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("name", "kind", "allowed"), ACTIONS)
def test_actions_refuse_the_wrong_roles(client, objects, role, name, kind, allowed):
    sign_in(client, make_user(role))
    response = client.post(_url(name, kind, objects))
    if role in allowed:
        # An empty form: the right person gets the page back with errors, or a redirect; never 403.
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "kind", "allowed"), ACTIONS)
def test_actions_take_no_get(client, objects, name, kind, allowed):
    sign_in(client, make_user(*allowed))
    assert client.get(_url(name, kind, objects)).status_code == 405


def test_an_unknown_case_is_404(client, social_manager):
    assert client.get(reverse("console:case_detail", args=[999999])).status_code == 404
