import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.repairs.selectors import (
    get_repair_request_for_user,
    get_work_order_for_user,
    repair_requests_visible_to,
)
from roer.repairs.tests.factories import ContractorFactory, RepairRequestFactory, WorkOrderFactory
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db


def tenant_of(tenancy):
    user = UserFactory()
    PersonFactory(user=user).tenancy_parties.create(tenancy=tenancy)
    return user


def test_a_tenant_sees_their_own_request_and_not_anothers():
    mine, theirs = RepairRequestFactory(), RepairRequestFactory()
    tenant_a = tenant_of(mine.tenancy)
    assert get_repair_request_for_user(tenant_a, mine.pk) == mine
    with pytest.raises(Http404):
        get_repair_request_for_user(tenant_a, theirs.pk)
    with pytest.raises(Http404):
        get_repair_request_for_user(tenant_a, 999_999)


def test_a_co_tenant_sees_the_request_too():
    request = RepairRequestFactory()
    co_tenant = tenant_of(request.tenancy)
    assert get_repair_request_for_user(co_tenant, request.pk) == request


def test_a_contractor_sees_only_requests_with_an_order_of_theirs():
    user = UserFactory(roles=[Role.CONTRACTOR])
    contractor = ContractorFactory(user=user)
    ordered = WorkOrderFactory(contractor=contractor)
    elsewhere = WorkOrderFactory()
    assert get_repair_request_for_user(user, ordered.request.pk) == ordered.request
    assert get_work_order_for_user(user, ordered.pk) == ordered
    with pytest.raises(Http404):
        get_repair_request_for_user(user, elsewhere.request.pk)
    with pytest.raises(Http404):
        get_work_order_for_user(user, elsewhere.pk)


@pytest.mark.parametrize("role", [Role.CUSTOMER_SERVICE, Role.PROCESS_SUPERVISOR, Role.SOCIAL_MANAGER])
def test_repair_staff_see_every_request(role):
    request = RepairRequestFactory()
    assert get_repair_request_for_user(UserFactory(roles=[role]), request.pk) == request


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.COLLECTIONS_OFFICER, Role.ADMINISTRATOR])
def test_other_staff_do_not(role):
    request = RepairRequestFactory()
    with pytest.raises(Http404):
        get_repair_request_for_user(UserFactory(roles=[role]), request.pk)
    with pytest.raises(Http404):
        get_work_order_for_user(UserFactory(roles=[role]), WorkOrderFactory().pk)


def test_anonymous_and_inactive_users_see_nothing():
    request = RepairRequestFactory()
    with pytest.raises(Http404):
        get_repair_request_for_user(AnonymousUser(), request.pk)
    tenant = tenant_of(request.tenancy)
    tenant.is_active = False
    tenant.save()
    assert not repair_requests_visible_to(tenant).exists()


def test_a_tenant_with_two_tenancies_sees_both_without_duplicates():
    user = UserFactory()
    person = PersonFactory(user=user)
    first, second = TenancyFactory(tenant__person=person), TenancyFactory(tenant__person=person)
    RepairRequestFactory(tenancy=first)
    RepairRequestFactory(tenancy=second)
    assert repair_requests_visible_to(user).count() == 2
