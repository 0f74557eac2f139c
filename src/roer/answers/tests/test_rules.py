"""The answers rule set: the default is valid and live, and drafts that break the rules are refused."""

import copy

import pytest

from roer.answers import selectors
from roer.answers.constants import KEY, AnswerTopic
from roer.answers.default_answers import default_answers
from roer.answers.rules import check
from roer.core import rules
from roer.core.rules import RuleValidationError

pytestmark = pytest.mark.django_db

TENANT_SUBJECTS = {
    "rent-increase",
    "housing-allowance",
    "pay-rent",
    "direct-debit-start",
    "payment-arrangement",
    "arrears",
    "who-repairs-what",
    "emergency",
    "end-tenancy",
    "keys",
    "pets",
    "home-improvements",
    "neighbour-nuisance",
    "mould",
    "service-costs",
    "house-swap",
    "urgency",
    "contact",
}


def test_migrate_installed_the_default_answers_as_the_live_version():
    live = rules.live_version(KEY)
    assert live.document == default_answers()
    version, book = selectors.live_answers()
    assert version.pk == live.pk
    assert len(book.answers) >= 30
    assert set(book.answers) >= TENANT_SUBJECTS


def test_every_default_answer_is_dutch_plain_and_reachable_from_a_topic():
    document = default_answers()
    assert check(document) == []
    topics = {t["id"] for t in document["topics"]}
    assert topics <= set(AnswerTopic.values)
    for answer in document["answers"]:
        assert answer["topic"] in topics
        assert answer["question"].endswith("?") or answer["question"].endswith(".")
        # B1: short paragraphs, polite "u", never the informal "je"
        assert " u " in f" {answer['answer']} ".lower() or " uw " in answer["answer"].lower()
        assert " je " not in f" {answer['answer']} ".lower()
        for paragraph in answer["answer"].split("\n\n"):
            assert len(paragraph) <= 600, answer["id"]


def test_the_facts_that_matter_are_in_the_default_answers():
    text = {a["id"]: a["answer"] for a in default_answers()["answers"]}
    assert "1 juli" in text["rent-increase"] and "twee maanden" in text["rent-increase"]
    assert "toeslagen.nl" in text["housing-allowance"]
    assert "één maand" in text["end-tenancy"]
    assert "0800-9009" in text["emergency"] and "112" in text["emergency"]
    assert "acht weken" in text["direct-debit-refund"]
    assert "14" in text["collection-costs"] and "40 euro" in text["collection-costs"]
    assert "30 juni" in text["service-costs"]
    assert "Besluit kleine herstellingen" in text["who-repairs-what"]


def _draft(document):
    return rules.rule_version_draft(key=KEY, document=document, note="test")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["answers"].append(copy.deepcopy(d["answers"][0])), "ids must be unique"),
        (lambda d: d["answers"][0].update(topic="nuisance") or d["topics"].pop(6), "not in the topics list"),
        (
            lambda d: d["answers"][0].update(answer=d["answers"][0]["answer"] + " Bel {nummer}."),
            "placeholder",
        ),
        (lambda d: d["answers"][0]["links"].append({"url_name": "portal:nowhere", "label": "x"}), "no page"),
        (lambda d: d["answers"][0].update(topic="gossip"), "is not one of"),
        (lambda d: d["answers"][0].update(id="Huur Verhoging"), "does not match"),
        (lambda d: d["answers"][0].update(keywords=[]), "should be non-empty"),
        (lambda d: d["callback"].update(parts=["NACHT"]), "is not one of"),
        (lambda d: d["search"].update(min_score=0), "less than the minimum"),
    ],
)
def test_a_draft_that_breaks_the_rules_is_refused_and_not_stored(change, problem):
    document = default_answers()
    change(document)
    before = rules.versions_of(KEY)
    with pytest.raises(RuleValidationError) as refused:
        _draft(document)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert rules.versions_of(KEY) == before


def test_a_published_version_is_what_the_portal_reads_next():
    version, book = selectors.live_answers()
    again_version, again = selectors.live_answers()
    assert again is book and again_version.pk == version.pk

    document = default_answers()
    document["answers"][0]["question"] = "Gaat mijn huur omhoog?"
    rules.rule_version_publish(version=_draft(document))

    new_version, new_book = selectors.live_answers()
    assert new_version.number == version.number + 1
    assert new_book.answer("rent-increase").question == "Gaat mijn huur omhoog?"
    assert book.answer("rent-increase").question == "Wanneer gaat mijn huur omhoog?"
