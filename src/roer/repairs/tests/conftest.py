import pytest

from roer.repairs.default_tree import default_tree
from roer.repairs.tree import Tree


@pytest.fixture(scope="session")
def tree() -> Tree:
    return Tree.from_document(default_tree())


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Photos go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def tenant_user(db):
    """A tenant's account, linked to the main tenant of a running tenancy in the Binnenstad."""
    from roer.accounts.tests.factories import UserFactory
    from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

    user = UserFactory(email="huurder@example.nl")
    person = PersonFactory(user=user)
    TenancyFactory(tenant__person=person)
    return user


@pytest.fixture
def tenancy(tenant_user):
    return tenant_user.person.tenancy_parties.get().tenancy
