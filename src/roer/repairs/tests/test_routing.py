import copy

import pytest

from roer.core import rules
from roer.core.rules import RuleValidationError
from roer.repairs import routing, selectors
from roer.repairs.models import Contractor
from roer.repairs.routing import NoRouteError, default_document, route
from roer.repairs.services import contractors_ensure_from_routing

TABLE = {
    "contractors": [
        {"key": "cv-west", "name": "CV West", "email": "a@example.nl", "trades": ["CVI"]},
        {"key": "cv-oost", "name": "CV Oost", "email": "b@example.nl", "trades": ["CVI"]},
        {"key": "cv-centrum", "name": "CV Centrum", "email": "c@example.nl", "trades": ["CVI"]},
    ],
    "routes": [
        {"trade": "CVI", "neighbourhoods": ["Binnenstad"], "postcodes": [], "contractor": "cv-centrum"},
        {"trade": "CVI", "neighbourhoods": [], "postcodes": [["3580", "3589"]], "contractor": "cv-oost"},
    ],
    "defaults": {"CVI": "cv-west"},
}


def test_neighbourhood_wins_first_case_insensitively():
    found = route(TABLE, trade="CVI", neighbourhood="binnenstad ", postcode="3584 AB")
    assert (found.contractor, found.matched_by, found.route_index) == ("cv-centrum", "neighbourhood", 0)


def test_postcode_range_by_its_four_digits():
    found = route(TABLE, trade="CVI", neighbourhood="Lunetten", postcode="3584 AB")
    assert (found.contractor, found.matched_by, found.route_index) == ("cv-oost", "postcode", 1)


def test_the_trade_default_when_no_area_matches():
    found = route(TABLE, trade="CVI", neighbourhood="Overvecht", postcode="3562 XX")
    assert (found.contractor, found.matched_by, found.route_index) == ("cv-west", "default", None)


def test_no_route_is_a_clear_error():
    with pytest.raises(NoRouteError, match="no route and no default for trade 'DAK'"):
        route(TABLE, trade="DAK", neighbourhood="Binnenstad", postcode="3512 PK")
    with pytest.raises(NoRouteError):
        route(TABLE, trade=None, neighbourhood="", postcode="")


def test_the_default_document_has_a_default_for_every_trade_the_wizard_uses(tree):
    from roer.repairs.tree import outcome_paths

    document = default_document()
    assert routing.check(document) == []
    trades = {o.trade for pid in tree.problems for o in outcome_paths(tree, pid) if o.trade}
    assert trades <= set(document["defaults"])
    for trade in (
        "CVI",
        "LOO",
        "ONT",
        "ELE",
        "TIM",
        "DAK",
        "GLA",
        "SCH",
        "ONG",
        "VOC",
        "WTW",
        "OVE",
        "HOV",
        "SCM",
        "LIF",
    ):
        assert trade in document["defaults"]


def test_check_finds_unknown_contractors_trades_and_backward_ranges():
    bad = copy.deepcopy(TABLE)
    bad["routes"].append(
        {"trade": "XYZ", "neighbourhoods": ["Zuid"], "postcodes": [], "contractor": "cv-west"}
    )
    bad["routes"].append(
        {"trade": "CVI", "neighbourhoods": [], "postcodes": [["3599", "3500"]], "contractor": "nobody"}
    )
    bad["defaults"]["LOO"] = "cv-west"
    problems = routing.check(bad)
    assert "routes/2: 'XYZ' is not a VERA ONDERHOUDSPECIALISME code" in problems
    assert "routes/3: no contractor 'nobody'" in problems
    assert "routes/3: postcode range 3599-3500 runs backwards" in problems
    assert "defaults/LOO: contractor 'cv-west' does not do trade 'LOO'" in problems


@pytest.mark.django_db
def test_migrate_installed_the_routing_table_and_a_draft_is_validated():
    assert selectors.live_routing().document == default_document()
    with pytest.raises(RuleValidationError):
        rules.rule_version_draft(key=routing.KEY, document={**TABLE, "defaults": {"CVI": "nobody"}})


@pytest.mark.django_db
def test_contractors_are_made_from_the_routing_table_and_updated():
    made = contractors_ensure_from_routing()
    assert len(made) == len(default_document()["contractors"])
    row = Contractor.objects.get(key="klimaat-oost")
    assert row.trades == ["CVI", "WTW"]
    assert {"trade": "CVI", "neighbourhoods": ["Oost", "Lunetten"], "postcodes": []} in row.areas
    document = default_document()
    document["contractors"][1]["name"] = "Klimaatservice Oost BV"
    rules.rule_version_publish(version=rules.rule_version_draft(key=routing.KEY, document=document))
    contractors_ensure_from_routing()
    row.refresh_from_db()
    assert row.name == "Klimaatservice Oost BV"
    assert Contractor.objects.count() == len(made)
