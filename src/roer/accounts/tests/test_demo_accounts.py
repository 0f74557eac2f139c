import pytest
from django.contrib.auth import authenticate
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import DEMO_PASSWORD, DEMO_USERNAMES, STAFF_ROLES, Role
from roer.accounts.demo_accounts import demo_static_codes
from roer.accounts.models import User
from roer.accounts.selectors import demo_logins
from roer.accounts.services import demo_accounts_ensure, second_factor_verify, user_create
from roer.accounts.tests.helpers import signing_in
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

STAFF_USERNAMES = {"sociaal", "incasso", "opzichter", "klantenservice", "financien", "beheer"}


def test_the_fixed_codes_are_the_same_every_time_and_differ_per_account():
    assert demo_static_codes("sociaal") == demo_static_codes("sociaal")
    assert len(set(demo_static_codes("sociaal"))) == 10
    assert not set(demo_static_codes("sociaal")) & set(demo_static_codes("incasso"))
    assert all(len(code) == 8 and code.isalnum() and code.islower() for code in demo_static_codes("x"))


def test_one_demo_account_per_staff_role_and_a_contractor():
    logins = demo_accounts_ensure()
    assert {login.username for login in logins} == STAFF_USERNAMES | {"aannemer"}
    assert {login.role for login in logins} == set(STAFF_ROLES) | {Role.CONTRACTOR}
    for login in logins:
        user = User.objects.get(username=login.username)
        assert user.is_demo and user.roles == {login.role}
        assert authenticate(signing_in(), username=login.username, password=DEMO_PASSWORD) == user
        if login.role in STAFF_ROLES:
            assert login.codes == demo_static_codes(login.username)
            assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
        else:
            assert login.codes == []
            assert not StaticDevice.objects.filter(user=user).exists()
    assert User.objects.get(username="beheer").is_staff
    assert not User.objects.get(username="sociaal").is_staff


def test_running_again_changes_nothing_but_refills_used_codes():
    first = demo_accounts_ensure()
    users = User.objects.count()
    totp_keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    sociaal = User.objects.get(username="sociaal")
    used = demo_static_codes("sociaal")[:3]
    for code in used:
        assert second_factor_verify(user=sociaal, code=code).verified
    assert [login.codes for login in demo_logins() if login.username == "sociaal"] == [
        demo_static_codes("sociaal")[3:]
    ]

    second = demo_accounts_ensure()

    assert second == first
    assert User.objects.count() == users
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == totp_keys
    assert StaticToken.objects.filter(device__user=sociaal).count() == 10
    assert second_factor_verify(user=sociaal, code=used[0]).verified
    [refill] = JournalEvent.objects.filter(activity="backup_codes_refilled")
    assert refill.facts == {"added": 3}


def test_a_changed_demo_password_is_restored():
    demo_accounts_ensure()
    user = User.objects.get(username="incasso")
    user.set_password("something else entirely")
    user.save(update_fields=["password"])
    demo_accounts_ensure()
    assert authenticate(signing_in(), username="incasso", password=DEMO_PASSWORD) is not None


def test_demo_logins_lists_staff_first_then_at_most_five_tenants(django_assert_max_num_queries):
    demo_accounts_ensure()
    for n in range(7):
        user_create(username=f"huurder{n}", password=DEMO_PASSWORD, roles=[Role.TENANT], is_demo=True)
    user_create(username="echte-huurder", password=DEMO_PASSWORD, roles=[Role.TENANT])

    with django_assert_max_num_queries(8):
        logins = demo_logins()

    assert [login.username for login in logins] == [
        *DEMO_USERNAMES.values(),
        "huurder0",
        "huurder1",
        "huurder2",
        "huurder3",
        "huurder4",
    ]
    assert logins[-1].role_label == str(Role.TENANT.label) and logins[-1].codes == []
    assert logins[0].codes == demo_static_codes("sociaal")


def test_user_create_refuses_unknown_roles_and_journals_the_roles():
    with pytest.raises(ValueError, match="unknown roles"):
        user_create(username="x", password=None, roles=["wizard"])
    assert not User.objects.filter(username="x").exists()
    user = user_create(username="y", password=None, roles=[Role.FINANCE_OFFICER])
    assert not user.has_usable_password()
    [event] = JournalEvent.objects.filter(activity="user_created")
    assert event.facts == {"roles": ["finance_officer"], "demo": False}
