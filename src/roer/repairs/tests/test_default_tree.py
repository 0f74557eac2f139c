import copy

import pytest

from roer.core import rules
from roer.repairs import wizard_rules
from roer.repairs.default_tree import default_tree
from roer.repairs.tree import default_outcome, outcome_paths, problem_outcome


def test_the_default_validates_against_schema_and_checks():
    rules.validate(wizard_rules.KEY, default_tree())


def test_it_covers_at_least_80_problems_in_every_kind_of_place(tree):
    assert len(tree.problems) >= 80
    locations = {loc.id for area in tree.areas for loc in area.locations}
    assert {
        "kitchen",
        "bathroom",
        "toilet",
        "living-room",
        "bedroom",
        "hall",
        "attic",
        "storage",
    } <= locations
    assert {"facade", "roof", "garden", "balcony"} <= locations
    assert {"entrance", "stairwell", "lift", "gallery", "communal-storage"} <= locations
    for needed in [
        "boiler-broken", "radiator-cold", "thermostat", "geyser", "district-heating",
        "power-out", "breaker-trips", "socket", "switch", "outside-lamp",
        "key-lost", "lock-broken", "door-sticks", "window-glass", "window-hardware",
        "ceiling-leak", "gutter", "roof-leak", "mould", "damp-wall", "wall-crack", "bathroom-tiles-loose",
        "fence", "paving", "hedge", "lift-broken", "communal-lighting", "entrance-door", "intercom",
        "mice", "rats", "cockroaches", "wasps", "bedbugs", "pigeons",
        "sink-blocked", "toilet-blocked", "sewer-blocked", "tap-dripping",
        "mechanical-ventilation", "heat-recovery", "ventilation-filter", "smoke-detector",
        "letterbox", "doorbell", "painting", "small-holes",
    ]:  # fmt: skip
        assert needed in tree.problems, needed


def test_a_dripping_tap_is_the_tenants_washer_with_advice(tree):
    outcome = default_outcome(tree, "tap-dripping")
    assert (outcome.responsibility, outcome.clause, outcome.urgency) == ("tenant", "d", None)
    assert "leertje" in outcome.advice
    assert outcome.covered_by_service_subscription is True
    assert outcome.trade == "LOO"
    assert outcome.defect_soort == "DRP"
    assert outcome.defect_locatie == "KEU"


def test_drains_are_the_tenants_up_to_the_main_sewer_pipe(tree):
    for problem_id in ["sink-blocked", "shower-drain-blocked", "washbasin-blocked", "toilet-blocked"]:
        assert default_outcome(tree, problem_id).clause == "n"
        beyond = problem_outcome(tree, problem_id, {"other-drains": "ja"})
        assert (beyond.responsibility, beyond.urgency, beyond.trade) == ("corporation", "urgent", "ONT")
    assert default_outcome(tree, "sewer-blocked").responsibility == "corporation"


def test_a_broken_boiler_is_urgent_for_the_heating_trade(tree):
    outcome = default_outcome(tree, "boiler-broken")
    assert (outcome.responsibility, outcome.urgency, outcome.trade) == ("corporation", "urgent", "CVI")
    assert outcome.working_days is None


@pytest.mark.parametrize(
    ("problem_id", "number"),
    [
        ("gas-smell", "0800-9009"),
        ("power-cut-street", "0800-9009"),
        ("fire-or-smoke", "112"),
        ("danger", "112"),
    ],
)
def test_emergencies_go_to_a_phone_number_not_a_form(tree, problem_id, number):
    outcome = default_outcome(tree, problem_id)
    assert (outcome.responsibility, outcome.urgency, outcome.emergency_number) == (
        "third_party",
        "emergency",
        number,
    )
    assert outcome.trade is None
    assert number in outcome.advice
    assert problem_id in tree.emergency_shortcuts


@pytest.mark.parametrize(
    ("problem_id", "clause"),
    [
        ("painting", "a"), ("small-holes", "b"), ("stair-rail", "c"), ("key-lost", "d"), ("window-stuck", "e"),
        ("frozen-pipe", "f"), ("outside-lamp", "g"), ("window-glass", "h"), ("ventilation-filter", "i"),
        ("draught", "j"), ("letterbox", "k"), ("fence", "l"), ("chimney", "m"), ("sink-blocked", "n"),
        ("refuse-room", "o"), ("sealant", "p"), ("mice", "r"), ("gutter", "s"), ("litter", "t"),
        ("graffiti", "u"), ("cesspit", "v"),
    ],
)  # fmt: skip
def test_the_annex_letters_of_the_tenants_part(tree, problem_id, clause):
    outcome = default_outcome(tree, problem_id)
    assert (outcome.responsibility, outcome.clause) == ("tenant", clause)
    assert outcome.advice


def test_every_reachable_outcome_is_consistent(tree):
    for problem_id in tree.problems:
        for outcome in outcome_paths(tree, problem_id):
            if outcome.responsibility == "tenant":
                assert outcome.clause and outcome.urgency is None and outcome.working_days is None
            if outcome.responsibility == "corporation":
                assert outcome.trade and outcome.urgency and outcome.clause is None
            if outcome.urgency == "normal":
                assert outcome.working_days >= 1


def test_normal_urgency_takes_n_working_days_from_the_document(tree):
    assert default_outcome(tree, "damp-wall").working_days == 10  # its own
    assert default_outcome(tree, "floor-damaged").working_days == 10
    assert default_outcome(tree, "washbasin-cracked").working_days == tree.normal_working_days == 5


def _first_problem(document):
    return document["areas"][0]["locations"][0]["elements"][0]["problems"][0]


def test_check_refuses_codes_vera_does_not_have():
    document = default_tree()
    _first_problem(document)["outcome"]["trade"] = "XYZ"
    _first_problem(document)["questions"][0]["answers"][1]["outcome"]["defect_soort"] = "ZZZ"
    problems = wizard_rules.check(document)
    assert any("'XYZ' is not a VERA ONDERHOUDSPECIALISME code" in p for p in problems)
    assert any("'ZZZ' is not a VERA DEFECTSOORT code" in p for p in problems)


def test_check_refuses_duplicate_ids_and_a_tenants_part_without_clause():
    document = default_tree()
    first = _first_problem(document)
    document["areas"][1]["locations"][0]["elements"][0]["problems"].append(copy.deepcopy(first))
    assert any("problem tap-dripping: used 2 times" in p for p in wizard_rules.check(document))

    document = default_tree()
    _first_problem(document)["outcome"]["clause"] = None
    assert any("needs its Besluit kleine herstellingen clause" in p for p in wizard_rules.check(document))


def test_check_refuses_an_emergency_number_on_the_corporations_part_and_a_bad_default():
    document = default_tree()
    _first_problem(document)["questions"][0]["answers"][1]["outcome"]["emergency_number"] = "112"
    problems = wizard_rules.check(document)
    assert any(p.startswith("tap-dripping/tap-itself=broken: an emergency number") for p in problems)

    document = default_tree()
    _first_problem(document)["questions"][0]["default"] = "nope"
    problems = wizard_rules.check(document)
    assert any("the default 'nope' is not one of its answers" in p for p in problems)


def test_the_schema_refuses_an_unknown_clause_letter():
    document = default_tree()
    _first_problem(document)["outcome"]["clause"] = "w"
    with pytest.raises(rules.RuleValidationError, match="clause"):
        rules.validate(wizard_rules.KEY, document)
