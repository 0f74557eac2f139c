import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.request import Request
from rest_framework.views import APIView

from roer.accounts.access import HasRole
from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified

pytestmark = [pytest.mark.django_db, pytest.mark.urls("roer.accounts.tests.access_urls")]


@pytest.fixture
def social_manager():
    user = UserFactory(roles=[Role.SOCIAL_MANAGER])
    staff_second_factor_add(user=user)
    return user


@pytest.mark.parametrize("path", ["/social/", "/social-class/"])
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/social/", "/social-class/"])
def test_signed_in_without_the_role_is_forbidden(client, path):
    client.force_login(UserFactory(roles=[Role.TENANT]))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/social/", "/social-class/"])
def test_staff_without_a_verified_second_factor_is_sent_to_verify(client, social_manager, path):
    client.force_login(social_manager)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/verify/?next={path}"


def test_unverified_staff_are_sent_to_verify_even_where_they_lack_the_role(client, social_manager):
    client.force_login(social_manager)
    response = client.get("/tenant/")
    assert response["Location"].startswith("/accounts/login/verify/")


@pytest.mark.parametrize(("path", "body"), [("/social/", b"social"), ("/social-class/", b"social class")])
def test_verified_staff_with_the_role_pass(client, social_manager, path, body):
    sign_in_verified(client, social_manager, StaticDevice.objects.get(user=social_manager))
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == body


def test_verified_staff_without_the_role_are_forbidden(client, social_manager):
    sign_in_verified(client, social_manager, StaticDevice.objects.get(user=social_manager))
    assert client.get("/tenant/").status_code == 403


def test_a_tenant_needs_no_second_factor(client):
    client.force_login(UserFactory(roles=[Role.TENANT]))
    assert client.get("/tenant/").status_code == 200


def _api_request(user):
    request = Request(RequestFactory().get("/api/v1/anything/"))
    request.user = user  # as an authenticator would
    return request


def test_the_api_permission_checks_roles_and_verification(social_manager):
    permission = HasRole.of(Role.SOCIAL_MANAGER)()
    view = APIView()
    assert not permission.has_permission(_api_request(AnonymousUser()), view)
    assert not permission.has_permission(_api_request(UserFactory(roles=[Role.TENANT])), view)
    # No OTP middleware ran for this user: an unverified staff member is refused.
    assert not permission.has_permission(_api_request(social_manager), view)
    social_manager.is_verified = lambda: True
    assert permission.has_permission(_api_request(social_manager), view)


def test_the_api_permission_reads_the_views_roles():
    contractor = UserFactory(roles=[Role.CONTRACTOR])

    class WorkOrders(APIView):
        required_roles = (Role.CONTRACTOR,)

    assert HasRole().has_permission(_api_request(contractor), WorkOrders())
    assert not HasRole().has_permission(_api_request(contractor), APIView())
