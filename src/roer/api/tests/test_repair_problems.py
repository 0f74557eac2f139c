import pytest

from roer.core import rules
from roer.repairs.default_tree import default_tree
from roer.repairs.wizard_rules import KEY

pytestmark = pytest.mark.django_db

URL = "/api/v1/repair-problems"
FIELDS = {
    "id", "label", "path", "path_labels", "responsibility", "urgency", "working_days", "trade", "defect_soort",
    "defect_locatie", "clause", "emergency_number", "covered_by_service_subscription", "advice", "questions", "score",
}  # fmt: skip


def test_a_search_returns_matches_best_first_without_logging_in(client):
    response = client.get(URL, {"search": "gootsteen verstopt"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "count",
        "next",
        "previous",
        "rule_version",
        "search",
        "unmatched",
        "unknown_words",
        "results",
    }
    assert body["rule_version"] == rules.live_version(KEY).number
    assert body["unmatched"] is False
    first = body["results"][0]
    assert set(first) == FIELDS
    assert first["id"] == "sink-blocked"
    assert first["label"] == "Gootsteen is verstopt"
    assert first["responsibility"] == "tenant"
    assert (first["clause"], first["urgency"], first["trade"], first["defect_soort"]) == (
        "n",
        None,
        "ONT",
        "VS0",
    )
    assert first["defect_locatie"] == "KEU"
    assert first["path"] == ["inside", "kitchen", "kitchen-drain", "sink-blocked"]
    assert first["questions"] == 1
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("search", "expected", "responsibility", "urgency", "number"),
    [
        ("cv doet het niet", "boiler-broken", "corporation", "urgent", None),
        ("sleutel kwijt", "key-lost", "tenant", None, None),
        ("lekkage", "ceiling-leak", "corporation", "urgent", None),
        ("ik ruik gas", "gas-smell", "third_party", "emergency", "0800-9009"),
        ("brand", "fire-or-smoke", "third_party", "emergency", "112"),
    ],
)
def test_search_examples(client, search, expected, responsibility, urgency, number):
    first = client.get(URL, {"search": search}).json()["results"][0]
    assert (first["id"], first["responsibility"], first["urgency"], first["emergency_number"]) == (
        expected,
        responsibility,
        urgency,
        number,
    )


def test_without_search_it_lists_every_problem_paginated(client):
    body = client.get(URL).json()
    assert body["count"] == len([1 for _ in _problems()]) >= 80
    assert len(body["results"]) == 20
    assert body["results"][0]["id"] == "tap-dripping"
    assert body["results"][0]["score"] is None
    assert body["previous"] is None
    assert "offset=20" in body["next"]
    second = client.get(URL, {"limit": 20, "offset": 20}).json()
    assert second["results"][0]["id"] not in {r["id"] for r in body["results"]}
    assert second["previous"].endswith("?limit=20")
    ids = {r["id"] for r in client.get(URL, {"limit": 100}).json()["results"]}
    ids |= {r["id"] for r in client.get(URL, {"limit": 100, "offset": 100}).json()["results"]}
    assert ids == set(_problems())


def test_nothing_found_says_unmatched(client):
    body = client.get(URL, {"search": "xyzzy"}).json()
    assert (body["count"], body["results"], body["unmatched"], body["unknown_words"]) == (
        0,
        [],
        True,
        ["xyzzy"],
    )


@pytest.mark.parametrize(
    "params", [{"limit": "abc"}, {"limit": 0}, {"limit": 101}, {"offset": -1}, {"search": "x" * 201}]
)
def test_a_bad_parameter_is_a_400_not_a_500(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"limit", "offset", "search"}


def test_one_problem_by_id(client):
    response = client.get(f"{URL}/tap-dripping")
    assert response.status_code == 200
    body = response.json()
    assert (body["responsibility"], body["clause"], body["covered_by_service_subscription"]) == (
        "tenant",
        "d",
        True,
    )
    assert "leertje" in body["advice"]
    assert client.get(f"{URL}/no-such-problem").status_code == 404


def test_the_api_follows_the_live_rule_version(client):
    document = default_tree()
    document["areas"][0]["locations"][0]["elements"][0]["problems"][0]["synonyms"].append("spetterkraan")
    rules.rule_version_publish(version=rules.rule_version_draft(key=KEY, document=document))
    body = client.get(URL, {"search": "spetterkraan"}).json()
    assert body["rule_version"] == rules.live_version(KEY).number
    assert body["results"][0]["id"] == "tap-dripping"


def test_the_schema_documents_the_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/repair-problems" in text
    assert "/api/v1/repair-problems/{problem_id}" in text
    assert "emergency_number" in text


def _problems():
    for area in default_tree()["areas"]:
        for location in area["locations"]:
            for element in location["elements"]:
                for problem in element["problems"]:
                    yield problem["id"]
