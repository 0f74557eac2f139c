"""Finding answers from a tenant's own words: pure, no database."""

import pytest

from roer.answers.book import Book
from roer.answers.default_answers import default_answers
from roer.answers.search import normalised_text, replay, search


@pytest.fixture(scope="module")
def book():
    return Book.from_document(default_answers())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wanneer gaat de huur omhoog", "rent-increase"),
        ("Huurverhoging 1 juli", "rent-increase"),
        ("HUURVERHÓGING bezwaar", "rent-increase"),  # case and accents do not matter
        ("huurtoeslag aanvragen", "housing-allowance"),
        ("toeslag", "housing-allowance"),  # a synonym
        ("huurtoeslagg", "housing-allowance"),  # a typo
        ("hoe betaal ik de huur", "pay-rent"),
        ("automatische incasso regelen", "direct-debit-start"),
        ("incasso terugboeken", "direct-debit-refund"),
        ("betalingsregeling", "payment-arrangement"),
        ("ik heb een huurachterstand", "arrears"),
        ("incassokosten", "collection-costs"),
        ("deurwaarder", "bailiff"),
        ("wie betaalt de reparatie", "who-repairs-what"),
        ("ik ruik gas", "emergency"),
        ("huur opzeggen", "end-tenancy"),
        ("opzegtermijn", "end-tenancy"),
        ("sleutel kwijt", "keys"),
        ("Sleutels verloren!", "keys"),
        ("mag ik een hond", "pets"),
        ("zelf de keuken verbouwen", "home-improvements"),
        ("last van de buren", "neighbour-nuisance"),
        ("burenoverlast", "neighbour-nuisance"),
        ("schimmel in de badkamer", "mould"),
        ("schimel", "mould"),
        ("afrekening servicekosten", "service-costs"),
        ("woningruil", "house-swap"),
        ("urgentie aanvragen", "urgency"),
        ("openingstijden", "contact"),
        ("rookmelder piept", "smoke-alarm"),
        ("verstopte wc", "blocked-drain"),
        ("airbnb", "sublet"),
        ("partner op het huurcontract", "co-tenancy"),
    ],
)
def test_the_tenants_words_find_the_answer(book, query, expected):
    found = search(book, query)
    assert not found.unmatched
    assert found[0].id == expected, [(m.id, m.score) for m in found]


@pytest.mark.parametrize("query", ["pizza bestellen", "voetbaluitslagen", "", "   ", "de het een"])
def test_words_no_answer_knows_find_nothing(book, query):
    found = search(book, query)
    assert found.unmatched
    assert found.best is None


def test_results_are_best_first_and_limited(book):
    found = search(book, "huurtoeslag", limit=2)
    assert len(found) == 2
    assert found[0].score >= found[1].score
    assert {m.id for m in found} == {"housing-allowance", "housing-allowance-changes"}


def test_unknown_words_are_reported(book):
    found = search(book, "huurtoeslag voor mijn xylofoon")
    assert found[0].id == "housing-allowance"
    assert found.unknown_words == ("xylofoon",)


def test_the_normalised_text_groups_the_same_question_typed_differently():
    assert normalised_text("Waar is de Kringloop?") == normalised_text("waar  is de kringloop")
    assert normalised_text("Één sleutel, twéé deuren") == "een sleutel twee deuren"


def test_a_draft_can_be_tried_on_the_searches_that_found_nothing(book):
    unmet = ["kringloopwinkel", "huurtoeslag"]
    assert replay(book, unmet) == [("kringloopwinkel", None), ("huurtoeslag", "housing-allowance")]
    document = default_answers()
    document["answers"].append(
        {
            "id": "second-hand",
            "topic": "other",
            "question": "Waar laat ik spullen die ik niet meer nodig heb?",
            "answer": "Breng ze naar de kringloopwinkel of de milieustraat van uw gemeente.",
            "keywords": ["kringloopwinkel", "kringloop"],
        }
    )
    document["topics"].append({"id": "other", "label": "Overig"})
    assert replay(Book.from_document(document), unmet)[0] == ("kringloopwinkel", "second-hand")
