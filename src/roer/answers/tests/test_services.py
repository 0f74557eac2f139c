"""The answers services: searches, views and feedback journaled with the version in force; callbacks
asked once and handled with a logged contact; contacts registered with their topic."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.answers import selectors, services
from roer.answers.book import UnknownAnswer
from roer.answers.constants import KEY, CallbackStatus
from roer.answers.default_answers import default_answers
from roer.answers.models import AnswerFeedback, CallbackRequest, UnansweredSearch
from roer.casework.models import ContactMoment
from roer.core import rules
from roer.core.constants import Channel
from roer.core.journal import events_for
from roer.core.models import JournalEvent
from roer.repairs.selectors import live_wizard
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import NOW
from .factories import CallbackRequestFactory

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 1, 15)


def _event(activity):
    return JournalEvent.objects.filter(activity=activity).prefetch_related("subjects", "rule_versions").get()


def _subjects(event):
    return {(s.kind, s.subject_id) for s in event.subjects.all()}


def _versions(event):
    return {v.rule_version_id for v in event.rule_versions.all()}


# --- search and view -------------------------------------------------------------------------------------


def test_a_search_that_matches_journals_the_best_answer_not_the_words(tenant, tenancy):
    found = services.answer_search_record(text="Wanneer gaat mijn huur omhoog?", by=tenant, tenancy=tenancy)

    assert found[0].id == "rent-increase"
    event = _event("answers_searched")
    assert event.channel == Channel.PORTAL
    assert event.facts == {"matched": True, "answer_id": "rent-increase", "results": len(found)}
    assert _subjects(event) == {("tenancies.tenancy", str(tenancy.pk)), ("answers.answer", "rent-increase")}
    assert _versions(event) == {rules.live_version(KEY).pk}
    assert not UnansweredSearch.objects.exists()


def test_a_search_that_finds_nothing_keeps_the_words_apart_from_who_typed_them(tenant, tenancy):
    found = services.answer_search_record(text="  Waar is de  Kringloopwinkel? ", by=tenant, tenancy=tenancy)

    assert found.unmatched
    event = _event("answers_searched")
    assert event.facts == {"matched": False, "answer_id": None, "results": 0}
    assert "Kringloop" not in str(event.facts)
    kept = UnansweredSearch.objects.get()
    assert kept.text == "Waar is de Kringloopwinkel?"
    assert kept.normalised == "waar is de kringloopwinkel"
    assert not hasattr(kept, "user_id") and not hasattr(kept, "tenancy_id")
    # the journal event does not point at the row with the words
    assert ("answers.unansweredsearch", str(kept.pk)) not in _subjects(event)


def test_an_empty_search_records_nothing(tenant):
    assert services.answer_search_record(text="   ", by=tenant, tenancy=None).unmatched
    assert not JournalEvent.objects.filter(activity="answers_searched").exists()


def test_an_anonymous_visitor_is_journaled_as_a_portal_visitor_without_id():
    services.answer_viewed(answer_id="housing-allowance", by=None, tenancy=None)

    event = _event("answer_viewed")
    assert (event.actor_kind, event.actor_id) == ("tenant", None)
    assert event.facts == {
        "answer_id": "housing-allowance",
        "topic": "housing_allowance",
        "contact_topic": "rent_account",
        "mode": "auto",
    }
    assert _subjects(event) == {("answers.answer", "housing-allowance")}


def test_an_unknown_answer_is_refused():
    with pytest.raises(UnknownAnswer):
        services.answer_viewed(answer_id="no-such-answer", by=None, tenancy=None)


# --- feedback --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("helped", [True, False])
def test_feedback_is_journaled_with_the_version_in_force(tenant, tenancy, helped):
    feedback = services.answer_feedback_record(
        answer_id="end-tenancy",
        helped=helped,
        by=tenant,
        tenancy=tenancy,
        comment="Ik wil weten of het per de 15e kan.",
        idempotency_key="fb-1",
    )

    live = rules.live_version(KEY)
    assert (feedback.helped, feedback.rule_version, feedback.tenancy, feedback.user) == (
        helped,
        live,
        tenancy,
        tenant,
    )
    assert feedback.comment == "Ik wil weten of het per de 15e kan."
    event = _event("answer_feedback")
    assert event.facts == {
        "answer_id": "end-tenancy",
        "topic": "moving",
        "helped": helped,
        "with_comment": True,
    }
    assert _versions(event) == {live.pk}
    assert ("answers.answer", "end-tenancy") in _subjects(event)


def test_feedback_counts_for_the_version_the_page_showed(tenant, tenancy):
    shown = rules.live_version(KEY)
    document = default_answers()
    document["answers"][0]["question"] = "Gaat de huur omhoog?"
    rules.rule_version_publish(version=rules.rule_version_draft(key=KEY, document=document))

    feedback = services.answer_feedback_record(
        answer_id="rent-increase",
        helped=False,
        by=tenant,
        tenancy=tenancy,
        version_number=shown.number,
        idempotency_key="fb-old",
    )
    assert feedback.rule_version == shown
    assert _versions(_event("answer_feedback")) == {shown.pk}


def test_a_double_submitted_feedback_counts_once(tenant, tenancy):
    for _ in range(2):
        services.answer_feedback_record(
            answer_id="pets", helped=True, by=tenant, tenancy=tenancy, idempotency_key="same"
        )
    assert AnswerFeedback.objects.count() == 1
    assert JournalEvent.objects.filter(activity="answer_feedback").count() == 1


def test_a_tenant_cannot_give_feedback_for_another_tenancy(tenant):
    with pytest.raises(PermissionDenied):
        services.answer_feedback_record(
            answer_id="pets", helped=True, by=tenant, tenancy=TenancyFactory(), idempotency_key="x"
        )


# --- callbacks -------------------------------------------------------------------------------------------


def _ask(tenant, tenancy, **extra):
    values = dict(
        tenancy=tenancy,
        by=tenant,
        phone="06-1234 5678",
        day=THURSDAY,
        part="OCH",
        topic="answer",
        answer_id="housing-allowance",
        note="Bel liever niet tussen 12 en 1.",
        idempotency_key="cb-1",
    )
    return services.callback_request_create(**(values | extra))


def test_the_slots_are_the_working_days_ahead_with_the_parts_not_yet_over(wednesday_morning):
    _version, book = selectors.live_answers()
    slots = selectors.callback_slots(book)
    assert slots[0] == (dt.date(2026, 1, 14), ["OCH", "MID"])
    assert [day for day, _parts in slots] == [
        dt.date(2026, 1, 14),
        dt.date(2026, 1, 15),
        dt.date(2026, 1, 16),
        dt.date(2026, 1, 19),  # the weekend is skipped
        dt.date(2026, 1, 20),
    ]
    late = selectors.callback_slots(book, NOW + dt.timedelta(hours=6))  # 16:00: the afternoon nearly over
    assert late[0][0] == dt.date(2026, 1, 15)


def test_a_callback_is_taken_once_and_journaled_without_the_number_or_note(
    tenant, tenancy, wednesday_morning
):
    first = _ask(tenant, tenancy)
    second = _ask(tenant, tenancy)

    assert first.pk == second.pk
    assert CallbackRequest.objects.count() == 1
    assert (first.phone, first.preferred_day, first.preferred_part) == ("06-1234 5678", THURSDAY, "OCH")
    assert (first.topic, first.answer_id, first.problem_id) == ("answer", "housing-allowance", "")
    event = _event("callback_requested")
    assert event.channel == Channel.PORTAL
    assert event.facts == {
        "topic": "answer",
        "answer_id": "housing-allowance",
        "preferred_day": "2026-01-15",
        "preferred_part": "OCH",
        "with_note": True,
    }
    assert ("answers.answer", "housing-allowance") in _subjects(event)
    assert ("answers.callbackrequest", str(first.pk)) in _subjects(event)
    assert _versions(event) == {rules.live_version(KEY).pk}


def test_a_repair_callback_names_its_problem_and_the_wizard_version(tenant, tenancy, wednesday_morning):
    made = _ask(tenant, tenancy, topic="repair", answer_id="", problem_id="tap-dripping")
    assert made.problem_id == "tap-dripping"
    event = _event("callback_requested")
    assert event.facts["problem_id"] == "tap-dripping"
    assert _versions(event) == {rules.live_version(KEY).pk, live_wizard()[0].pk}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"phone": "bel me"}, services.CallbackRefused),
        ({"phone": "0612"}, services.CallbackRefused),
        ({"day": dt.date(2026, 1, 17)}, services.CallbackRefused),  # a Saturday
        ({"day": dt.date(2026, 1, 13)}, services.CallbackRefused),  # yesterday
        ({"part": "AVO"}, services.CallbackRefused),  # no evenings in the default rules
        ({"note": "x" * 501}, services.CallbackRefused),
        ({"topic": "repair", "answer_id": "", "problem_id": "no-such-problem"}, ValueError),
        ({"answer_id": "no-such-answer"}, ValueError),
        ({"topic": "other"}, ValueError),  # an answer id goes with the answer topic only
    ],
)
def test_a_callback_that_cannot_be_taken_is_refused(tenant, tenancy, wednesday_morning, change, error):
    with pytest.raises(error):
        _ask(tenant, tenancy, **change)
    assert not CallbackRequest.objects.exists()
    assert not JournalEvent.objects.filter(activity="callback_requested").exists()


def test_a_tenant_asks_for_callbacks_about_their_own_tenancy_only(tenant, wednesday_morning):
    with pytest.raises(PermissionDenied):
        _ask(tenant, TenancyFactory())


def test_another_tenants_callback_is_not_found(tenant, tenancy, wednesday_morning):
    mine = _ask(tenant, tenancy)
    other = CallbackRequestFactory()
    assert selectors.get_callback_for_user(tenant, mine.pk) == mine
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_callback_for_user(tenant, other.pk)


# --- handling callbacks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reached", "waiting"),
    [(CallbackStatus.CALLED, True, False), (CallbackStatus.NO_ANSWER, False, True)],
)
def test_a_call_is_logged_as_an_outgoing_phone_contact(
    customer_service, wednesday_morning, status, reached, waiting
):
    callback = CallbackRequestFactory()

    handled = services.callback_handle(
        callback=callback, by=customer_service, status=status, outcome="Kraan uitgelegd."
    )

    assert handled.status == status and handled.attempts == 1
    assert (handled.handled_by, handled.handled_at, handled.outcome) == (
        customer_service,
        NOW,
        "Kraan uitgelegd.",
    )
    contact = ContactMoment.objects.get()
    assert (contact.channel, contact.direction, contact.succeeded) == ("TEL", "UIT", reached)
    assert (contact.topic, contact.problem_id, contact.summary) == (
        "repair",
        "tap-dripping",
        "Kraan uitgelegd.",
    )
    logged = events_for(contact)[0]
    assert logged.activity == "contact_logged"
    assert logged.facts["problem_id"] == "tap-dripping"
    event = _event("callback_handled")
    assert event.channel == Channel.PHONE
    assert event.facts == {
        "status": status,
        "topic": "repair",
        "attempts": 1,
        "timing": "early",
        "minutes_waited": 60,
        "contact_id": contact.pk,
    }
    assert (handled.status in {CallbackStatus.OPEN, CallbackStatus.NO_ANSWER}) is waiting
    assert [row.callback for row in selectors.callback_queue(user=customer_service)] == (
        [handled] if waiting else []
    )


def test_closing_without_a_call_logs_no_contact_and_needs_a_reason(customer_service, wednesday_morning):
    callback = CallbackRequestFactory()
    with pytest.raises(ValueError):
        services.callback_handle(callback=callback, by=customer_service, status="closed")

    services.callback_handle(
        callback=callback, by=customer_service, status="closed", outcome="Huurder belde zelf al."
    )
    assert not ContactMoment.objects.exists()
    event = _event("callback_handled")
    assert event.channel == "" and event.facts["contact_id"] is None


def test_a_handled_callback_cannot_be_handled_again(customer_service, wednesday_morning):
    callback = CallbackRequestFactory(called=True)
    with pytest.raises(services.CallbackHandled):
        services.callback_handle(callback=callback, by=customer_service, status="called")


@pytest.mark.parametrize("role", [Role.TENANT, Role.CONTRACTOR, Role.FINANCE_OFFICER])
def test_only_customer_service_and_social_managers_handle_callbacks(role, wednesday_morning):
    with pytest.raises(PermissionDenied):
        services.callback_handle(
            callback=CallbackRequestFactory(), by=UserFactory(roles=[role]), status="called"
        )
    social = UserFactory(roles=[Role.SOCIAL_MANAGER])
    assert (
        services.callback_handle(callback=CallbackRequestFactory(), by=social, status="called").status
        == "called"
    )


def test_the_queue_is_oldest_first_and_marks_what_is_due(customer_service, wednesday_morning):
    later = CallbackRequestFactory(preferred_day=THURSDAY, created_at=NOW - dt.timedelta(hours=1))
    due = CallbackRequestFactory(preferred_day=NOW.date(), created_at=NOW - dt.timedelta(hours=3))
    late = CallbackRequestFactory(
        preferred_day=dt.date(2026, 1, 13), preferred_part="MID", created_at=NOW - dt.timedelta(days=1)
    )
    CallbackRequestFactory(called=True, created_at=NOW - dt.timedelta(days=2))

    rows = selectors.callback_queue(user=customer_service)

    assert [(row.callback, row.state) for row in rows] == [(late, "overdue"), (due, "due"), (later, "later")]


# --- contacts registered by customer service --------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "problem_id", "answer_id", "expected"),
    [
        ("repair", "boiler-broken", "", {"problem_id": "boiler-broken"}),
        ("repair", "", "", {}),
        ("rent_account", "", "", {}),
        ("arrangement", "", "", {}),
        ("answer", "", "service-costs", {"answer_id": "service-costs"}),
        ("other", "", "", {}),
    ],
)
def test_a_contact_is_registered_with_its_topic(customer_service, topic, problem_id, answer_id, expected):
    tenancy = TenancyFactory()
    contact = services.contact_register(
        tenancy=tenancy,
        by=customer_service,
        channel=Channel.PHONE,
        direction="INK",
        succeeded=True,
        topic=topic,
        problem_id=problem_id,
        answer_id=answer_id,
        summary="Huurder belde over de cv; 0612345678.",
    )
    assert (contact.topic, contact.problem_id, contact.answer_id) == (topic, problem_id, answer_id)
    event = events_for(contact)[0]
    assert event.channel == "TEL"
    assert event.facts == {"direction": "INK", "succeeded": True, "topic": topic, "case_id": None, **expected}
    versions = _versions(event)
    assert (live_wizard()[0].pk in versions) is bool(problem_id)
    assert (rules.live_version(KEY).pk in versions) is bool(answer_id)


@pytest.mark.parametrize(
    ("topic", "problem_id", "answer_id"),
    [("rent_account", "boiler-broken", ""), ("repair", "", "pets"), ("repair", "no-such-problem", "")],
)
def test_a_contact_naming_the_wrong_thing_is_refused(customer_service, topic, problem_id, answer_id):
    with pytest.raises(ValueError):
        services.contact_register(
            tenancy=TenancyFactory(),
            by=customer_service,
            channel="TEL",
            direction="INK",
            succeeded=True,
            topic=topic,
            problem_id=problem_id,
            answer_id=answer_id,
            summary="",
        )
    assert not ContactMoment.objects.exists()


def test_a_tenant_cannot_register_contacts(tenant):
    with pytest.raises(PermissionDenied):
        services.contact_register(
            tenancy=TenancyFactory(),
            by=tenant,
            channel="TEL",
            direction="INK",
            succeeded=True,
            topic="other",
            summary="",
        )


# --- privacy ---------------------------------------------------------------------------------------------


def test_the_journal_holds_no_free_text_or_phone_numbers(
    tenant, tenancy, customer_service, wednesday_morning
):
    services.answer_search_record(text="waar staat de kringloopwinkel", by=tenant, tenancy=tenancy)
    services.answer_feedback_record(
        answer_id="pets",
        helped=False,
        by=tenant,
        tenancy=tenancy,
        comment="Mijn kat heet Minoes",
        idempotency_key="k",
    )
    callback = _ask(tenant, tenancy, note="Bel na de lunch")
    services.callback_handle(
        callback=callback, by=customer_service, status="called", outcome="Uitgelegd aan mevrouw"
    )
    services.contact_register(
        tenancy=tenancy,
        by=customer_service,
        channel="BAL",
        direction="INK",
        succeeded=True,
        topic="answer",
        answer_id="pets",
        summary="Kwam langs met vragen over haar kat",
    )

    dumped = " ".join(str(e.facts) for e in JournalEvent.objects.all()).lower()
    for secret in ("kringloop", "minoes", "lunch", "mevrouw", "kat", "1234", "5678", "06-"):
        assert secret not in dumped, secret
