"""Answers, "did this help?", "Bel me terug", and a person within reach in the footer of every page."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.answers.models import AnswerFeedback, CallbackRequest, UnansweredSearch
from roer.core import helm
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday morning
ANSWERS = reverse("portal:answers")
CALLBACK = reverse("portal:callback")


@pytest.fixture(autouse=True)
def wednesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(in_english):
    """The assertions read the English message ids."""


def make_tenant(phone="06 1111 2222"):
    user = UserFactory(roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user, phone=phone))
    return user


@pytest.fixture
def tenant(client):
    user = make_tenant()
    client.force_login(user)
    return user


def answer_url(answer_id):
    return reverse("portal:answer", args=[answer_id])


def feedback(client, answer_id, helped, key="fb-1", **extra):
    return client.post(
        reverse("portal:answer-feedback", args=[answer_id]),
        {"helped": helped, "comment": "", "idempotency_key": key, "version": 1, **extra},
    )


def assert_footer(page, settings):
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.S)
    assert footer, "no footer"
    text = footer.group(1)
    assert settings.CORPORATION_PHONE in text
    assert f'href="tel:{settings.CORPORATION_PHONE.replace(" ", "")}"' in text
    assert settings.CORPORATION_OFFICE_HOURS in text
    assert f'href="{CALLBACK}' in text and f'href="{ANSWERS}"' in text
    return text


# --- a person within reach ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [reverse("home"), ANSWERS, answer_url("pets"), CALLBACK, reverse("accounts:login")]
)
def test_anonymous_visitors_see_the_phone_number_and_a_way_to_a_person_on_every_page(client, settings, url):
    page = client.get(url).content.decode()
    assert_footer(page, settings)


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        ANSWERS,
        CALLBACK,
        reverse("portal:repairs-start"),
        reverse("portal:repairs-requests"),
        reverse("portal:account"),
    ],
)
def test_signed_in_tenants_see_it_on_every_page_too(client, tenant, settings, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_footer(response.content.decode(), settings)


def test_the_footer_offers_a_callback_about_the_repair_problem_on_screen(client, tenant, settings):
    page = client.get(reverse("portal:repairs-problem", args=["tap-dripping"])).content.decode()
    footer = assert_footer(page, settings)
    assert f'href="{CALLBACK}?topic=repair&amp;problem=tap-dripping"' in footer


# --- answers ---------------------------------------------------------------------------------------------


def test_the_answers_need_no_account_and_list_every_topic(client):
    page = client.get(ANSWERS).content.decode()
    assert "Huurtoeslag" in page and "Verhuizen en opzeggen" in page
    assert f'href="{answer_url("rent-increase")}"' in page
    assert "<script" not in page


def test_a_search_shows_the_answers_and_journals_only_whether_it_matched(client):
    page = client.get(ANSWERS, {"q": "huurtoeslag aanvragen"}).content.decode()
    assert f'href="{answer_url("housing-allowance")}"' in page
    nothing = client.get(ANSWERS, {"q": "kringloopwinkel fietsenmaker"}).content.decode()
    assert "We found no answer" in nothing
    facts = list(JournalEvent.objects.filter(activity="answers_searched").values_list("facts", flat=True))
    assert [f["matched"] for f in facts] == [True, False]
    assert UnansweredSearch.objects.get().text == "kringloopwinkel fietsenmaker"


def test_an_answer_asks_whether_it_helped_with_a_post_form(client):
    page = client.get(answer_url("end-tenancy")).content.decode()
    assert "De opzegtermijn is" in page
    assert f'action="{reverse("portal:answer-feedback", args=["end-tenancy"])}"' in page
    assert 'name="helped" value="yes"' in page and 'name="helped" value="no"' in page
    assert 'name="idempotency_key"' in page
    assert JournalEvent.objects.filter(activity="answer_viewed").count() == 1
    assert client.get(answer_url("no-such-answer")).status_code == 404


def test_yes_thanks_the_visitor(client):
    response = feedback(client, "pets", "yes")
    assert response.status_code == 302
    assert response["Location"] == answer_url("pets") + "?geholpen=ja#feedback"
    page = client.get(response["Location"]).content.decode()
    assert "Good to hear this helped you." in page
    assert 'class="answers-person"' not in page
    assert AnswerFeedback.objects.get().helped is True
    # coming back from the form is not a second view
    assert JournalEvent.objects.filter(activity="answer_viewed").count() == 0


def test_no_offers_a_person_with_the_callback_form_about_this_answer(client, tenant, settings):
    response = feedback(client, "service-costs", "no", comment="Mijn afrekening klopt niet")
    page = client.get(response["Location"]).content.decode()
    person = re.search(r'<section class="answers-person".*?</section>', page, re.S).group(0)
    assert settings.CORPORATION_PHONE in person and settings.CORPORATION_OFFICE_HOURS in person
    assert f'href="{CALLBACK}?topic=answer&amp;answer=service-costs"' in person
    saved = AnswerFeedback.objects.get()
    assert (saved.helped, saved.comment, saved.user, saved.tenancy) == (
        False,
        "Mijn afrekening klopt niet",
        tenant,
        tenant.person.tenancy_parties.get().tenancy,
    )
    event = JournalEvent.objects.get(activity="answer_feedback")
    assert event.facts["helped"] is False and "afrekening" not in str(event.facts)

    form = client.get(f"{CALLBACK}?topic=answer&answer=service-costs").content.decode()
    assert 'name="answer_id" value="service-costs"' in form
    assert re.search(r'<input type="radio" name="topic" value="answer"[^>]* checked>', form)
    assert "Wat is de afrekening van de servicekosten?" in form


def test_a_double_submitted_feedback_counts_once(client):
    feedback(client, "pets", "no", key="same")
    feedback(client, "pets", "no", key="same")
    assert AnswerFeedback.objects.count() == 1


def test_a_feedback_form_without_a_choice_is_shown_again(client):
    response = client.post(reverse("portal:answer-feedback", args=["pets"]), {"idempotency_key": "k"})
    assert response.status_code == 200
    assert not AnswerFeedback.objects.exists()


def test_in_manual_mode_the_answer_is_held_back_and_a_person_offered(client):
    staff = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    helm.flow_mode_set(
        flow=Flow.ANSWERS, mode=Mode.MANUAL, by=staff, reason="Antwoord huurverhoging klopt niet"
    )
    page = client.get(answer_url("rent-increase")).content.decode()
    assert "De huur gaat meestal" not in page
    assert 'class="answers-person"' in page
    assert 'name="helped"' not in page


# --- "Bel me terug" --------------------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_phone_number_and_a_sign_in_link(client, settings):
    page = client.get(f"{CALLBACK}?topic=answer&answer=pets").content.decode()
    main = page.split("<footer")[0]
    assert settings.CORPORATION_PHONE in main
    assert reverse("accounts:login") + "?next=" in main
    assert 'name="phone"' not in page
    assert client.post(CALLBACK, {"phone": "0612345678"}).status_code == 200
    assert not CallbackRequest.objects.exists()


def test_staff_cannot_ask_for_a_callback(client):
    user = UserFactory(roles=[Role.CONTRACTOR])
    client.force_login(user)
    assert client.get(CALLBACK).status_code == 403


def test_a_repair_callback_is_prefilled_and_made_once_even_when_posted_twice(client, tenant):
    page = client.get(CALLBACK, {"topic": "repair", "problem": "tap-dripping"}).content.decode()
    assert 'value="06 1111 2222"' in page  # from the person record
    assert 'name="problem_id" value="tap-dripping"' in page
    assert "About: <strong>Kraan druppelt</strong>" in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    data = {
        "phone": "06 1111 2222",
        "slot": "2026-01-15|MID",
        "topic": "repair",
        "problem_id": "tap-dripping",
        "answer_id": "",
        "note": "",
        "idempotency_key": key,
    }
    first = client.post(CALLBACK, data)
    second = client.post(CALLBACK, data)

    made = CallbackRequest.objects.get()
    assert first["Location"] == second["Location"] == reverse("portal:callback-detail", args=[made.pk])
    assert (made.topic, made.problem_id, made.preferred_part) == ("repair", "tap-dripping", "MID")
    done = client.get(first["Location"]).content.decode()
    assert "We will call you on Thursday 15 January, between 12:00 and 17:00, on 06 1111 2222." in done


def test_a_changed_topic_drops_the_problem(client, tenant):
    response = client.post(
        CALLBACK,
        {
            "phone": "0611112222",
            "slot": "2026-01-14|OCH",
            "topic": "rent_account",
            "problem_id": "tap-dripping",
            "idempotency_key": "k1",
        },
    )
    assert response.status_code == 302
    assert CallbackRequest.objects.get().problem_id == ""


def test_a_wrong_phone_number_is_shown_next_to_the_field_and_the_input_kept(client, tenant):
    response = client.post(
        CALLBACK,
        {
            "phone": "bel me",
            "slot": "2026-01-15|OCH",
            "topic": "other",
            "note": "Over de tuin",
            "idempotency_key": "k2",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="phone-errors".*Enter a phone number we can call', page, re.S)
    assert "Over de tuin" in page
    assert re.search(r'name="slot" value="2026-01-15\|OCH"[^>]* checked>', page)
    assert not CallbackRequest.objects.exists()


def test_a_day_that_is_not_offered_is_refused(client, tenant):
    response = client.post(
        CALLBACK, {"phone": "0611112222", "slot": "2026-01-17|OCH", "topic": "other", "idempotency_key": "k3"}
    )
    assert response.status_code == 200
    assert not CallbackRequest.objects.exists()


def test_another_tenants_callback_is_not_reachable(client, tenant):
    other = make_tenant()
    client.force_login(other)
    client.post(
        CALLBACK, {"phone": "0611112222", "slot": "2026-01-15|OCH", "topic": "other", "idempotency_key": "o"}
    )
    theirs = CallbackRequest.objects.get()
    client.force_login(tenant)
    assert client.get(reverse("portal:callback-detail", args=[theirs.pk])).status_code == 404
    assert b"already asked" not in client.get(CALLBACK).content


def test_a_waiting_callback_is_shown_on_the_form(client, tenant):
    client.post(
        CALLBACK, {"phone": "0611112222", "slot": "2026-01-15|OCH", "topic": "other", "idempotency_key": "w"}
    )
    page = client.get(CALLBACK).content.decode()
    assert "You already asked us to call" in page
    assert reverse("portal:callback-detail", args=[CallbackRequest.objects.get().pk]) in page


def test_a_staff_member_must_verify_before_anything(client):
    user = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    staff_second_factor_add(user=user)
    client.force_login(user)
    assert client.get(CALLBACK).status_code == 302
    sign_in_verified(client, user, StaticDevice.objects.get(user=user))
    assert client.get(CALLBACK).status_code == 403


def test_an_answer_fills_in_the_phone_number_and_office_hours_from_the_settings(client, settings):
    settings.CORPORATION_PHONE = "020 555 01 23"
    settings.CORPORATION_OFFICE_HOURS = "ma-do 9.00-16.00"
    main = client.get(answer_url("contact")).content.decode().split("<footer")[0]
    assert "Bel ons op 020 555 01 23, ma-do 9.00-16.00." in main
    assert "{telefoon}" not in main and "{openingstijden}" not in main
    assert f'href="{CALLBACK}"' in main  # the answer's own link to a person
