import pytest

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.tenancies.tests.factories import TenancyFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def social_manager(db):
    return UserFactory(roles=[Role.SOCIAL_MANAGER], first_name="Sanne", last_name="de Vries")


@pytest.fixture
def collections_officer(db):
    return UserFactory(roles=[Role.COLLECTIONS_OFFICER])


@pytest.fixture
def customer_service(db):
    return UserFactory(roles=[Role.CUSTOMER_SERVICE])


@pytest.fixture
def tenancy(db):
    return TenancyFactory()
