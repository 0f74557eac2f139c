"""The supervisor's review queue in the console: the queue with its filters and counts, an item with what
happened, the tag form, and who may see them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.core.rules import live_version
from roer.core.subjects import SubjectRef
from roer.supervision import review
from roer.supervision.models import ReviewItem, ReviewReason, ReviewState

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
QUEUE = reverse("console:review_queue")


def at(hour: int) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour), tzinfo=AMSTERDAM)


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


@pytest.fixture
def items() -> dict[str, ReviewItem]:
    """An answer that did not help (after the tenant viewed it) and an order a contractor flagged."""
    answers, wizard = live_version("answers"), live_version("repair-wizard")
    tenancy = SubjectRef("tenancies.tenancy", "7")
    answer = SubjectRef("answers.answer", "housing-allowance")
    facts = {"answer_id": "housing-allowance", "topic": "rent"}
    journal.record(
        activity="answer_viewed",
        subjects=[tenancy, answer],
        channel=Channel.PORTAL,
        rule_versions=[answers],
        facts=facts,
        occurred_at=at(9),
    )
    journal.record(
        activity="answer_feedback",
        subjects=[tenancy, answer],
        channel=Channel.PORTAL,
        rule_versions=[answers],
        facts={**facts, "helped": False},
        occurred_at=at(10),
    )
    journal.record(
        activity="work_order_flagged",
        subjects=[SubjectRef("repairs.workorder", "3"), SubjectRef("repairs.repairrequest", "3")],
        rule_versions=[wizard],
        facts={"flag": "wrong_trade", "problem_id": "tap-dripping"},
        occurred_at=at(8),
    )
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    return {item.reason: item for item in ReviewItem.objects.all()}


def item_url(item: ReviewItem) -> str:
    return reverse("console:review_item", args=[item.pk])


def test_the_queue_lists_oldest_first_with_counts_per_reason(client, supervisor, items, in_english):
    response = client.get(QUEUE)
    assert response.status_code == 200
    page = response.content.decode()
    flag, unhelpful = items[ReviewReason.CONTRACTOR_FLAG], items[ReviewReason.DID_NOT_HELP]
    assert page.index(item_url(flag)) < page.index(item_url(unhelpful))  # 08:00 before 10:00
    counts = response.context["counts"]
    assert ("contractor_flag", "Flagged by the contractor", 1) in counts
    assert ("did_not_help", "Answer did not help", 1) in counts
    assert ("sample", "Random sample", 0) in counts
    assert "?reason=did_not_help" in page

    page = client.get(QUEUE, {"reason": "did_not_help"}).content.decode()
    assert item_url(unhelpful) in page and item_url(flag) not in page
    page = client.get(QUEUE, {"date_from": "2026-03-11"}).content.decode()
    assert item_url(unhelpful) not in page and item_url(flag) not in page


def test_reviewed_items_leave_the_default_view(client, supervisor, items, in_english):
    flag = items[ReviewReason.CONTRACTOR_FLAG]
    review.review_item_tag(item=flag, by=supervisor, tags=["fine"])
    assert item_url(flag) not in client.get(QUEUE).content.decode()
    page = client.get(QUEUE, {"state": "reviewed"}).content.decode()
    assert item_url(flag) in page and "Fine" in page
    assert item_url(flag) in client.get(QUEUE, {"state": "all"}).content.decode()


def test_a_bad_filter_shows_the_open_items(client, supervisor, items):
    response = client.get(QUEUE, {"date_from": "2026-03-12", "date_to": "2026-03-01", "reason": "nope"})
    assert response.status_code == 200
    assert len(response.context["items"]) == 2


def test_the_item_shows_what_happened_and_the_answer(client, supervisor, items, in_english):
    unhelpful = items[ReviewReason.DID_NOT_HELP]
    response = client.get(item_url(unhelpful))
    assert response.status_code == 200
    page = response.content.decode()
    assert [e.activity for e in response.context["story"]] == ["answer_viewed", "answer_feedback"]
    assert 'aria-current="true"' in page
    concerned = response.context["concerned"]
    assert concerned.kind == "answer" and concerned.title in page
    assert "helped=False" in page
    assert 'name="tags"' in page


def test_tagging_saves_journals_and_moves_on(client, supervisor, items, in_english):
    flag, unhelpful = items[ReviewReason.CONTRACTOR_FLAG], items[ReviewReason.DID_NOT_HELP]
    response = client.post(
        item_url(flag), {"tags": ["wrong_action", "unclear_text"], "note": "Plumber, not a roofer."}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE  # no other open contractor flag
    flag.refresh_from_db()
    assert flag.state == ReviewState.REVIEWED and flag.reviewer == supervisor
    assert flag.note == "Plumber, not a roofer."
    tagged = JournalEvent.objects.get(activity="review_tagged")
    assert tagged.facts["tags"] == ["wrong_action", "unclear_text"]
    assert "Plumber" not in str(tagged.facts)

    page = client.get(item_url(flag)).content.decode()
    assert "Wrong action" in page and "Plumber, not a roofer." in page and 'name="tags"' not in page
    assert client.get(item_url(unhelpful)).status_code == 200


def test_tagging_goes_on_to_the_next_open_item_of_the_reason(client, supervisor, items):
    flag = items[ReviewReason.CONTRACTOR_FLAG]
    second = ReviewItem.objects.create(
        event=flag.event,
        reason=ReviewReason.DID_NOT_HELP,
        subject_kind="tenancies.tenancy",
        subject_id="7",
        occurred_at=at(11),
    )
    response = client.post(item_url(items[ReviewReason.DID_NOT_HELP]), {"tags": ["wrong_answer"]})
    assert response["Location"] == item_url(second)


@pytest.mark.parametrize("tags", [[], ["fine", "system_error"], ["nonsense"]])
def test_a_bad_review_is_refused(client, supervisor, items, tags):
    flag = items[ReviewReason.CONTRACTOR_FLAG]
    response = client.post(item_url(flag), {"tags": tags})
    assert response.status_code == 400
    flag.refresh_from_db()
    assert flag.state == ReviewState.OPEN
    assert not JournalEvent.objects.filter(activity="review_tagged").exists()


def test_a_reviewed_item_is_not_reviewed_twice(client, supervisor, items, in_english):
    flag = items[ReviewReason.CONTRACTOR_FLAG]
    review.review_item_tag(item=flag, by=supervisor, tags=["fine"])
    response = client.post(item_url(flag), {"tags": ["system_error"]}, follow=True)
    assert "reviewed already" in response.content.decode()
    assert list(flag.tags.values_list("tag", flat=True)) == ["fine"]


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER, Role.CUSTOMER_SERVICE, Role.FINANCE_OFFICER]
)
def test_only_the_supervisor(client, as_role, items, role):
    as_role(role)
    flag = items[ReviewReason.CONTRACTOR_FLAG]
    assert client.get(QUEUE).status_code == 403
    assert client.get(item_url(flag)).status_code == 403
    assert client.post(item_url(flag), {"tags": ["fine"]}).status_code == 403
    flag.refresh_from_db()
    assert flag.state == ReviewState.OPEN


def test_anonymous_visitors_go_to_sign_in(client, items):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_item_is_404(client, supervisor):
    assert client.get(reverse("console:review_item", args=[999999])).status_code == 404


def test_the_supervisor_navigation_links_the_queue(client, supervisor, in_english):
    assert f'href="{QUEUE}"' in client.get(reverse("console:meters")).content.decode()
