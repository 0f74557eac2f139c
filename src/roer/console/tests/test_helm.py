"""The supervisor's helm in the console: flows, holds, rule versions, replay before publishing."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.core import helm, rules
from roer.core.constants import Flow, Mode, RuleVersionStatus
from roer.core.models import FlowMode, Hold, JournalEvent
from roer.repairs.constants import Handling
from roer.repairs.services import repair_request_submit
from roer.repairs.tests.factories import RepairRequestFactory
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

FLOWS = reverse("console:helm_flows")
HOLDS = reverse("console:helm_holds")


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR, first_name="Pim", last_name="Opzichter")


def _tap_is_ours() -> dict:
    document = copy.deepcopy(rules.live_version(WIZARD_KEY).document)
    for area in document["areas"]:
        for location in area["locations"]:
            for element in location["elements"]:
                for problem in element["problems"]:
                    if problem["id"] == "tap-dripping":
                        problem["outcome"].update(
                            responsibility="corporation",
                            urgency="normal",
                            clause=None,
                            covered_by_service_subscription=False,
                        )
    return document


# --- access --------------------------------------------------------------------------------------


def _pages() -> list[str]:
    live = rules.live_version(WIZARD_KEY)
    return [
        FLOWS,
        HOLDS,
        reverse("console:helm_rule_sets"),
        reverse("console:helm_rule_set", args=[WIZARD_KEY]),
        reverse("console:helm_rule_version", args=[WIZARD_KEY, live.number]),
        reverse("console:helm_replay", args=[WIZARD_KEY, live.number]),
    ]


@pytest.mark.parametrize(
    "role",
    [Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER, Role.CUSTOMER_SERVICE, Role.ADMINISTRATOR, Role.TENANT],
)
def test_only_the_process_supervisor_may_open_the_helm(client, role):
    sign_in(client, make_user(role))
    for url in _pages():
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("console:helm_flow_switch", args=[Flow.ANSWERS]),
        {"answers-mode": Mode.MANUAL, "answers-reason": "test"},
    )
    assert response.status_code == 403
    assert helm.flow_mode(Flow.ANSWERS) == Mode.AUTO


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_supervisor_who_has_not_verified_the_second_factor_verifies_first(client):
    client.force_login(make_user(Role.PROCESS_SUPERVISOR))
    response = client.get(FLOWS)
    assert response.status_code == 302 and "verify" in response["Location"]


def test_the_supervisor_opens_every_page_and_sees_the_links(client, supervisor):
    for url in _pages():
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("console:home")).content.decode()
    assert FLOWS in page and HOLDS in page and reverse("console:helm_rule_sets") in page


# --- flows ---------------------------------------------------------------------------------------


def test_switching_a_flow_needs_a_reason(client, supervisor):
    url = reverse("console:helm_flow_switch", args=[Flow.REPAIR_INTAKE])
    response = client.post(url, {"repair_intake-mode": Mode.MANUAL, "repair_intake-reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert helm.flow_mode(Flow.REPAIR_INTAKE) == Mode.AUTO
    assert not JournalEvent.objects.filter(activity="flow_mode_changed").exists()


def test_switching_a_flow_takes_effect_and_is_journaled_and_shown(client, supervisor):
    url = reverse("console:helm_flow_switch", args=[Flow.REPAIR_INTAKE])
    response = client.post(
        url, {"repair_intake-mode": Mode.MANUAL, "repair_intake-reason": "Storing bij aannemers"}
    )
    assert response.status_code == 302
    assert helm.flow_mode(Flow.REPAIR_INTAKE) == Mode.MANUAL
    row = FlowMode.objects.get(flow=Flow.REPAIR_INTAKE)
    assert (row.reason, row.changed_by) == ("Storing bij aannemers", supervisor)
    event = JournalEvent.objects.get(activity="flow_mode_changed")
    assert event.facts == {"flow": "repair_intake", "from": "auto", "to": "manual"}
    assert event.actor_id == supervisor.pk
    assert "Storing" not in json.dumps(event.facts)

    page = client.get(FLOWS).content.decode()
    assert "Storing bij aannemers" in page
    assert "Pim Opzichter" in page
    assert "Manual: every new case goes to a person" in page


def test_an_unknown_flow_is_not_found(client, supervisor):
    url = reverse("console:helm_flow_switch", args=["teleport"])
    assert client.post(url, {"teleport-mode": "manual", "teleport-reason": "x"}).status_code == 404


# --- holds ---------------------------------------------------------------------------------------


def test_hold_a_tenancy_by_reference_then_release_it(client, supervisor):
    tenancy = TenancyFactory(reference="HC-000777")
    until = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(HOLDS, {"subject": "hc-000777", "reason": "Overleg met wijkteam", "until": until})
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert (hold.subject_kind, hold.subject_id, hold.held_by) == (
        "tenancies.tenancy",
        str(tenancy.pk),
        supervisor,
    )
    assert hold.until is not None and timezone.localtime(hold.until).date() == until
    assert not helm.verdict_for(flow=Flow.DUNNING, subject=tenancy).act
    page = client.get(HOLDS).content.decode()
    assert "Tenancy HC-000777" in page and "Overleg met wijkteam" in page

    response = client.post(reverse("console:helm_hold_release", args=[hold.pk]))
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.released_by == supervisor
    assert helm.verdict_for(flow=Flow.DUNNING, subject=tenancy).act
    assert [e.activity for e in JournalEvent.objects.filter(activity__startswith="hold_")] == [
        "hold_placed",
        "hold_released",
    ]
    assert "Nothing is on hold." in client.get(HOLDS).content.decode()


def test_hold_a_repair_request_by_its_code(client, supervisor):
    request = RepairRequestFactory()
    response = client.post(HOLDS, {"subject": request.code, "reason": "Ik bel zelf"})
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert (hold.subject_kind, hold.subject_id, hold.until) == (
        "repairs.repairrequest",
        str(request.pk),
        None,
    )
    assert request.code in client.get(HOLDS).content.decode()


def test_an_unknown_subject_or_a_past_end_is_refused_and_the_input_kept(client, supervisor):
    response = client.post(HOLDS, {"subject": "RV999999", "reason": "Mijn reden"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no repair request RV999999." in page
    assert "Mijn reden" in page
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    TenancyFactory(reference="HC-1")
    response = client.post(HOLDS, {"subject": "HC-1", "reason": "r", "until": yesterday})
    assert "Pick a day after today." in response.content.decode()
    assert not Hold.objects.exists()


# --- rule versions -------------------------------------------------------------------------------


def test_the_rule_sets_list_their_live_version(client, supervisor):
    page = client.get(reverse("console:helm_rule_sets")).content.decode()
    for key in (WIZARD_KEY, "contractor-routing", "answers", "collections-policy"):
        assert key in page


def test_a_version_shows_its_document_read_only(client, supervisor):
    live = rules.live_version("contractor-routing")
    page = client.get(reverse("console:helm_rule_version", args=["contractor-routing", live.number])).content
    assert b"&quot;warmte-totaal&quot;" in page
    assert b"<textarea" not in page


def test_an_invalid_draft_shows_the_problems_in_words_and_keeps_what_was_typed(client, supervisor):
    url = reverse("console:helm_rule_set", args=[WIZARD_KEY])
    before = rules.versions_of(WIZARD_KEY)
    typed = '{"title": "kapot",'
    response = client.post(url, {"document": typed, "note": "proef"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This is not valid JSON" in page
    assert "{&quot;title&quot;: &quot;kapot&quot;," in page

    document = _tap_is_ours()
    document["normal_working_days"] = "tien"
    typed = json.dumps(document)
    response = client.post(url, {"document": typed, "note": "proef"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "normal_working_days: &#x27;tien&#x27; is not of type &#x27;integer&#x27;" in page
    assert "&quot;tien&quot;" in page
    assert "proef" in page
    assert rules.versions_of(WIZARD_KEY) == before


def test_a_draft_can_be_uploaded_as_a_file(client, supervisor):
    url = reverse("console:helm_rule_set", args=[WIZARD_KEY])
    upload = SimpleUploadedFile("tree.json", json.dumps(_tap_is_ours()).encode(), "application/json")
    response = client.post(url, {"document": "", "upload": upload, "note": "kraan"})
    assert response.status_code == 302
    draft = rules.versions_of(WIZARD_KEY)[-1]
    assert (draft.status, draft.created_by, draft.note) == (RuleVersionStatus.DRAFT, supervisor, "kraan")


def test_replay_page_shows_the_changes_and_the_publish_button_then_publish_and_roll_back(client, supervisor):
    live = rules.live_version(WIZARD_KEY)
    yesterday = timezone.now() - dt.timedelta(days=1)
    requests = [RepairRequestFactory(tenant_part=True, submitted_at=yesterday) for _ in range(2)]
    client.post(reverse("console:helm_rule_set", args=[WIZARD_KEY]), {"document": json.dumps(_tap_is_ours())})
    draft = rules.versions_of(WIZARD_KEY)[-1]
    assert draft.status == RuleVersionStatus.DRAFT

    response = client.get(reverse("console:helm_replay", args=[WIZARD_KEY, draft.number]), {"days": 7})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd data-count="changed">2</dd>' in page
    assert "<svg" in page and 'class="helm-chart-bar"' in page and "style=" not in page
    for request in requests:
        assert request.code in page
    assert reverse("console:helm_publish", args=[WIZARD_KEY, draft.number]) in page
    assert JournalEvent.objects.filter(activity="rule_version_replayed").count() == 1

    publish = reverse("console:helm_publish", args=[WIZARD_KEY, draft.number])
    response = client.post(publish, {"reason": ""})
    assert response.status_code == 400
    assert rules.live_version(WIZARD_KEY).pk == live.pk

    response = client.post(publish, {"reason": "Leertjes doen wij"})
    assert response.status_code == 302
    assert rules.live_version(WIZARD_KEY).pk == draft.pk
    assert rules.live_version(WIZARD_KEY).published_by == supervisor

    response = client.post(reverse("console:helm_roll_back", args=[WIZARD_KEY]))
    assert response.status_code == 302
    assert rules.live_version(WIZARD_KEY).pk == live.pk
    assert JournalEvent.objects.filter(activity="rule_version_rolled_back").count() == 1


def test_a_chosen_period_is_replayed_and_a_wrong_one_explained(client, supervisor):
    RepairRequestFactory(tenant_part=True, submitted_at=timezone.now() - dt.timedelta(days=40))
    draft = rules.rule_version_draft(key=WIZARD_KEY, document=_tap_is_ours())
    url = reverse("console:helm_replay", args=[WIZARD_KEY, draft.number])
    assert '<dd data-count="changed">0</dd>' in client.get(url).content.decode()
    first = timezone.localdate() - dt.timedelta(days=60)
    response = client.get(url, {"first": first, "last": timezone.localdate()})
    assert '<dd data-count="changed">1</dd>' in response.content.decode()
    response = client.get(url, {"first": timezone.localdate(), "last": first})
    assert response.status_code == 400
    assert "The period must end on or after its first day." in response.content.decode()


def test_roll_back_without_an_earlier_version_says_so(client, supervisor):
    response = client.post(reverse("console:helm_roll_back", args=["answers"]), follow=True)
    assert "there is no earlier live version" in response.content.decode()


def test_every_rule_set_has_a_replay_page(client, supervisor):
    for key in ("collections-policy", "collections-letters"):
        live = rules.live_version(key)
        response = client.get(reverse("console:helm_replay", args=[key, live.number]))
        assert response.status_code == 200
        assert '<dd data-count="changed">0</dd>' in response.content.decode()


def test_after_the_switch_to_manual_a_new_repair_request_lands_in_the_human_queue(client, supervisor):
    url = reverse("console:helm_flow_switch", args=[Flow.REPAIR_INTAKE])
    client.post(url, {"repair_intake-mode": Mode.MANUAL, "repair_intake-reason": "Aannemer failliet"})
    tenancy = TenancyFactory()
    request = repair_request_submit(
        tenancy=tenancy, by=supervisor, problem_id="boiler-broken", answers={}, idempotency_key="helm-1"
    )
    assert request.handling == Handling.STAFF_QUEUE
    assert not request.orders.exists()


def test_a_draft_shows_what_differs_from_the_live_version(client, supervisor):
    draft = rules.rule_version_draft(key=WIZARD_KEY, document=_tap_is_ours())
    page = client.get(reverse("console:helm_rule_version", args=[WIZARD_KEY, draft.number])).content.decode()
    assert "What differs from the live version" in page
    assert re.search(r"^-\s+&quot;responsibility&quot;: &quot;tenant&quot;,$", page, re.MULTILINE)
    assert re.search(r"^\+\s+&quot;responsibility&quot;: &quot;corporation&quot;,$", page, re.MULTILINE)
