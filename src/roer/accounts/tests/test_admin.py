import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add, user_create
from roer.accounts.tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db


def test_administrators_manage_accounts_but_cannot_read_second_factors():
    permissions = set(
        Group.objects.get(name=Role.ADMINISTRATOR).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("accounts", "change_user") in permissions
    assert not {app for app, _ in permissions} & {"otp_static", "otp_totp"}


def test_an_administrator_edits_roles_but_cannot_hand_out_superuser(client):
    admin = user_create(username="beheerder", password="long enough password", roles=[Role.ADMINISTRATOR])
    assert admin.is_staff and not admin.is_superuser
    _, static = staff_second_factor_add(user=admin)
    tenant = user_create(username="huurder", password=None, roles=[Role.TENANT])
    sign_in_verified(client, admin, static)

    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert listing.status_code == 200
    assert "tenant" in listing.content.decode()
    form = client.get(reverse("admin:accounts_user_change", args=[tenant.pk])).context["adminform"].form
    assert "groups" in form.fields
    assert "is_superuser" not in form.fields
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
