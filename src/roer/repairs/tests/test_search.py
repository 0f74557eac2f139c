import pytest

from roer.repairs.search import normalise, search, stem


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verstopte gootsteen", "sink-blocked"),
        ("gootsteen verstopt", "sink-blocked"),
        ("gootsteenafvoer", "sink-blocked"),
        ("Gootsteen verstopd", "sink-blocked"),  # a typo
        ("lekkage", "ceiling-leak"),
        ("cv doet het niet", "boiler-broken"),
        ("cvketel", "boiler-broken"),
        ("de verwarming doet het niet", "boiler-broken"),
        ("sleutel kwijt", "key-lost"),
        ("Sleutels kwijt!", "key-lost"),
        ("kraan druppelt", "tap-dripping"),
        ("druppelende kraan", "tap-dripping"),
        ("wc verstopt", "toilet-blocked"),
        ("schimmel", "mould"),
        ("schimel", "mould"),
        ("lift kapot", "lift-broken"),
        ("radiator koud", "radiator-cold"),
        ("stroom uit", "power-out"),
        ("groep springt eruit", "breaker-trips"),
        ("muizen", "mice"),
        ("kakkerlak", "cockroaches"),
        ("duiven", "pigeons"),
        ("dakgoot loopt over", "gutter"),
        ("ruit gebarsten", "window-glass"),
        ("deur klemt", "door-sticks"),
        ("slot kapot", "lock-broken"),
        ("rookmelder piept", "smoke-detector"),
        ("badkamer lekkage", "bathroom-leak"),
        ("vochtige muur", "damp-wall"),
        ("tegels los", "bathroom-tiles-loose"),
        ("verlichting trappenhuis", "communal-lighting"),
        ("portiekdeur", "entrance-door"),
        ("wtw filter", "ventilation-filter"),
        ("scheur in muur", "wall-crack"),
        ("thermostaat", "thermostat"),
        ("stadsverwarming", "district-heating"),
        ("bedwantsen", "bedbugs"),
        ("schutting", "fence"),
    ],
)
def test_the_tenants_words_find_the_problem(tree, query, expected):
    found = search(tree, query)
    assert found, query
    assert found[0].id == expected, [m.id for m in found[:3]]
    assert not found.unmatched


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gas", "gas-smell"),
        ("ik ruik gas", "gas-smell"),
        ("gaslucht in de keuken", "gas-smell"),
        ("brand", "fire-or-smoke"),
        ("rook in de gang", "fire-or-smoke"),
        ("cv ketel rook", "fire-or-smoke"),
    ],
)
def test_emergencies_rank_first(tree, query, expected):
    found = search(tree, query)
    assert found[0].id == expected
    assert found[0].emergency


def test_a_smoke_detector_is_no_fire(tree):
    found = search(tree, "rookmelder piept")
    assert not found[0].emergency


def test_scores_fall_and_limit_holds(tree):
    found = search(tree, "kapot", limit=5)
    assert len(found) == 5
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert search(tree, "kapot", limit=0) == []


def test_nothing_found_is_recorded_as_unmatched(tree):
    found = search(tree, "mijn xyzzy qwertz")
    assert found == []
    assert found.unmatched
    assert found.unknown_words == ("xyzzy", "qwertz")
    assert search(tree, "").unmatched


def test_unknown_words_are_reported_beside_matches(tree):
    found = search(tree, "gootsteen verstopt sinds gisteren")
    assert found[0].id == "sink-blocked"
    assert "sinds" in found.unknown_words


def test_normalise_strips_case_accents_and_punctuation():
    assert normalise("Cv-ketel lékt! Één  KRAAN") == ["cv", "ketel", "lekt", "een", "kraan"]


@pytest.mark.parametrize(
    ("a", "b"),
    [("kraan", "kranen"), ("verstopt", "verstopte"), ("muis", "muizen"), ("deur", "deuren"), ("raam", "ramen"),
     ("rat", "ratten"), ("sleutel", "sleutels"), ("lampje", "lamp"), ("douche", "douches")],
)  # fmt: skip
def test_plurals_and_inflections_share_a_stem(a, b):
    assert stem(a) == stem(b)
