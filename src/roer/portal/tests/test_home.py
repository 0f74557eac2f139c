import pytest
from django.urls import reverse

from roer.accounts.constants import DEMO_PASSWORD, Role
from roer.accounts.demo_accounts import demo_static_codes
from roer.accounts.services import demo_accounts_ensure, user_create

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def demo_accounts():
    demo_accounts_ensure()
    user_create(username="huurder-demo", password=DEMO_PASSWORD, roles=[Role.TENANT], is_demo=True)


def test_in_demo_mode_the_home_page_lists_the_demo_logins_with_their_codes(client, settings, demo_accounts):
    settings.DEMO_MODE = True
    page = client.get(HOME).content.decode()
    assert "Demo-inloggegevens" in page  # Dutch by default
    for username in ("sociaal", "incasso", "opzichter", "klantenservice", "financien", "beheer", "aannemer"):
        assert f"<code>{username}</code>" in page
    assert "<code>huurder-demo</code>" in page
    assert DEMO_PASSWORD in page
    assert all(code in page for code in demo_static_codes("opzichter"))


def test_outside_demo_mode_no_logins_are_shown(client, settings, demo_accounts):
    settings.DEMO_MODE = False
    page = client.get(HOME).content.decode()
    assert DEMO_PASSWORD not in page
    assert "<code>sociaal</code>" not in page and "<table" not in page
    assert demo_static_codes("opzichter")[0] not in page
    assert 'class="demo-banner"' not in page


def test_the_home_page_is_dutch_by_default_and_switches_to_english(client, settings):
    settings.DEMO_MODE = True
    page = client.get(HOME).content.decode()
    assert '<html lang="nl">' in page
    assert "Inloggen" in page and "huurdersportaal" in page
    assert 'action="/i18n/setlang/"' in page and '<label for="language-select">Taal</label>' in page
    assert 'class="demo-banner"' in page
    assert "<script" not in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": HOME})
    assert response["Location"] == HOME
    page = client.get(HOME).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page and "tenant portal" in page


def test_the_home_page_needs_a_fixed_number_of_queries(
    client, settings, demo_accounts, django_assert_max_num_queries
):
    settings.DEMO_MODE = True
    for n in range(5):
        user_create(username=f"extra{n}", password=DEMO_PASSWORD, roles=[Role.TENANT], is_demo=True)
    with django_assert_max_num_queries(10):
        assert client.get(HOME).status_code == 200


def test_the_home_page_leads_to_sign_in_and_activation_and_a_tenant_to_two_step_sign_in(client):
    page = client.get(HOME).content.decode()
    assert 'href="/accounts/activate/"' in page and "Activeer uw account" in page
    assert 'href="/portal/antwoorden/"' in page
    tenant = user_create(username="noor@example.nl", password=DEMO_PASSWORD, roles=[Role.TENANT])
    client.force_login(tenant)
    page = client.get(HOME).content.decode()
    assert 'href="/accounts/two-factor/"' in page and 'href="/accounts/activate/"' not in page
    for place in (
        "/portal/reparatie/",
        "/portal/reparatie/verzoeken/",
        "/portal/huur/",
        "/portal/huur/regeling/",
        "/portal/antwoorden/",
        "/portal/bel-me-terug/",
    ):
        assert f'href="{place}"' in page
    assert 'href="/console/"' not in page


def test_a_contractor_is_led_to_their_work_orders_not_to_the_console(client):
    contractor = user_create(username="loodgieter", password=DEMO_PASSWORD, roles=[Role.CONTRACTOR])
    client.force_login(contractor)
    page = client.get(HOME).content.decode()
    assert 'href="/aannemer/"' in page
    assert 'href="/console/"' not in page and 'href="/portal/huur/"' not in page
