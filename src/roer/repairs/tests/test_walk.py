import pytest

from roer.repairs.tree import Outcome, Step, WizardError, path_to, problem_outcome, walk


def test_the_walk_asks_area_location_element_problem_then_questions(tree):
    first = walk(tree, [])
    assert isinstance(first, Step)
    assert first.kind == "area"
    assert first.prompt == "Waar is het probleem?"
    assert [o.id for o in first.options] == ["inside", "outside", "communal"]
    assert walk(tree, ["inside"]).kind == "location"
    assert walk(tree, ["inside", "kitchen"]).kind == "element"
    problems = walk(tree, ["inside", "kitchen", "kitchen-drain"])
    assert problems.kind == "problem"
    assert "sink-blocked" in [o.id for o in problems.options]
    question = walk(tree, ["inside", "kitchen", "kitchen-drain", "sink-blocked"])
    assert (question.kind, question.problem_id, question.question_id) == (
        "question",
        "sink-blocked",
        "other-drains",
    )
    assert [o.id for o in question.options] == ["ja", "nee"]


def test_emergencies_are_shown_on_every_step(tree):
    for path in ([], ["outside"], ["inside", "kitchen", "kitchen-drain", "sink-blocked"]):
        step = walk(tree, path)
        assert [p.id for p in step.emergencies] == [
            "gas-smell",
            "fire-or-smoke",
            "power-cut-street",
            "danger",
        ]


def test_an_answer_changes_the_outcome(tree):
    path = ["inside", "kitchen", "kitchen-drain", "sink-blocked"]
    own = walk(tree, [*path, "nee"])
    assert isinstance(own, Outcome)
    assert (own.responsibility, own.clause) == ("tenant", "n")
    beyond = walk(tree, [*path, "ja"])
    assert (beyond.responsibility, beyond.urgency, beyond.clause) == ("corporation", "urgent", None)
    assert beyond.answers == (("other-drains", "ja"),)


def test_the_whole_house_without_heating_is_urgent_otherwise_normal(tree):
    path = list(path_to(tree, "boiler-broken"))
    assert walk(tree, [*path, "ja", "error"]).urgency == "urgent"
    partly = walk(tree, [*path, "nee", "error"])
    assert (partly.urgency, partly.working_days) == ("normal", 3)
    low = walk(tree, [*path, "ja", "low-pressure"])
    assert (low.responsibility, low.clause, low.urgency, low.working_days) == ("tenant", "i", None, None)


def test_water_through_the_ceiling_near_electricity_is_an_emergency(tree):
    path = list(path_to(tree, "ceiling-leak"))
    assert walk(tree, [*path, "ja", "nee"]).urgency == "urgent"
    assert walk(tree, [*path, "ja", "ja"]).urgency == "emergency"
    stain = walk(tree, [*path, "nee"])  # a final answer: no second question
    assert (stain.urgency, stain.trade) == ("normal", "VOC")


def test_a_power_cut_in_the_street_goes_to_the_grid_operator(tree):
    outcome = problem_outcome(tree, "power-out", {"neighbours": "ja"})
    assert (outcome.responsibility, outcome.emergency_number, outcome.urgency) == (
        "third_party",
        "0800-9009",
        "emergency",
    )
    assert problem_outcome(tree, "power-out", {}).responsibility == "corporation"


def test_problem_outcome_takes_defaults_and_refuses_what_it_does_not_know(tree):
    assert problem_outcome(tree, "mould", {}) == problem_outcome(tree, "mould", {"size": "ja"})
    assert problem_outcome(tree, "mould", {"size": "nee"}).clause == "p"
    with pytest.raises(WizardError, match="no problem"):
        problem_outcome(tree, "flying-saucer", {})
    with pytest.raises(WizardError, match="asks no question"):
        problem_outcome(tree, "mould", {"colour": "green"})
    with pytest.raises(WizardError, match="has no answer"):
        problem_outcome(tree, "mould", {"size": "huge"})


def test_a_wrong_path_is_refused(tree):
    with pytest.raises(WizardError, match="no area"):
        walk(tree, ["mars"])
    with pytest.raises(WizardError, match="no location"):
        walk(tree, ["inside", "lift"])
    with pytest.raises(WizardError, match="more answers than questions"):
        walk(tree, [*path_to(tree, "sink-blocked"), "ja", "ja"])


def test_a_problem_without_questions_ends_at_once(tree):
    outcome = walk(tree, list(path_to(tree, "key-lost")))
    assert isinstance(outcome, Outcome)
    assert (outcome.responsibility, outcome.clause, outcome.defect_soort) == ("tenant", "d", "SKW")
