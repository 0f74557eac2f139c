from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roer.arrears.costs import MAXIMUM, MINIMUM, collection_costs
from roer.core.money import euros

D = Decimal
principals = st.decimals(min_value=D("0.01"), max_value=D("2000000"), places=2)


def reference(principal: Decimal) -> Decimal:
    """The Besluit's table written out as the law reads, band by band."""
    if principal <= 2500:
        raw = principal * D("0.15")
    elif principal <= 5000:
        raw = 375 + (principal - 2500) * D("0.10")
    elif principal <= 10000:
        raw = 625 + (principal - 5000) * D("0.05")
    elif principal <= 200000:
        raw = 875 + (principal - 10000) * D("0.01")
    else:
        raw = 2775 + (principal - 200000) * D("0.005")
    return min(max(raw, D(40)), D(6775))


@pytest.mark.parametrize(
    ("amounts", "costs"),
    [
        (["4000"], "525.00"),  # DOMAIN.md
        (["10000"], "875.00"),  # DOMAIN.md
        (["200", "200"], "60.00"),  # art. 6:96 lid 7: added up, not 2 x the minimum
        (["2500"], "375.00"),
        (["200000"], "2775.00"),
        (["1000000"], "6775.00"),  # the cap is reached exactly here
    ],
)
def test_the_examples(amounts, costs):
    assert collection_costs([D(a) for a in amounts]).total == D(costs)


def test_two_months_cost_less_together_than_apart():
    together = collection_costs([D("200"), D("200")])
    apart = collection_costs([D("200")]).total * 2
    assert together.principal == D("400.00")
    assert (together.total, apart) == (D("60.00"), D("80.00"))


def test_the_minimum_applies_to_a_small_principal():
    small = collection_costs([D("100.00")])
    assert small.total == D("40.00")
    assert small.limit == "minimum"
    assert small.banded == D("15.0000")
    just_above = collection_costs([D("266.67")])  # 15% is 40.0005: the bands decide, rounded down
    assert (just_above.total, just_above.limit) == (D("40.00"), None)


def test_the_maximum_caps_a_large_principal():
    large = collection_costs([D("1500000")])
    assert large.total == MAXIMUM
    assert large.limit == "maximum"
    assert large.banded == D("9275.000")
    assert [line.rate for line in large.lines] == [D("0.15"), D("0.10"), D("0.05"), D("0.01"), D("0.005")]


def test_band_lines_show_how_the_costs_are_made():
    breakdown = collection_costs([D("4000")])
    assert [(line.base, line.amount) for line in breakdown.lines] == [
        (D("2500.00"), D("375.0000")),
        (D("1500.00"), D("150.0000")),
    ]
    assert breakdown.as_dict()["bands"][1] == {
        "from": "2500.00",
        "to": "5000.00",
        "rate_percent": "10",
        "base": "1500.00",
        "amount": "150.00",
        "amount_exact": "150.00",
    }


def test_vat_only_when_asked_and_the_parts_add_up():
    without = collection_costs([D("4000")])
    with_vat = collection_costs([D("4000")], vat=True)
    assert (without.vat, without.total) == (D("0.00"), D("525.00"))
    assert (with_vat.costs, with_vat.vat, with_vat.total) == (D("525.00"), D("110.25"), D("635.25"))
    assert collection_costs([D("10")], vat=True).total == D("48.40")


def test_the_total_is_rounded_half_up_once():
    # 10% of 0.05 is half a cent: 375 + 0.005 = 375.005 rounds up to 375.01.
    assert collection_costs([D("2500.05")]).total == D("375.01")
    # 5% of 0.01 is 0.0005; with VAT the exact total is 1058.750605, so 1058.75.
    breakdown = collection_costs([D("10000.01")], vat=True)
    assert (breakdown.costs, breakdown.vat, breakdown.total) == (D("875.00"), D("183.75"), D("1058.75"))


def test_nothing_owed_costs_nothing_and_bad_principals_are_refused():
    assert collection_costs([]).total == D("0.00")
    assert collection_costs([D("0")]).total == D("0.00")
    with pytest.raises(ValueError, match="positive"):
        collection_costs([D("-1")])
    with pytest.raises(ValueError, match="whole cents"):
        collection_costs([D("10.001")])
    with pytest.raises(TypeError):
        collection_costs([100.0])  # type: ignore[list-item]


@given(principals)
def test_equal_to_the_reference(principal):
    assert collection_costs([principal]).total == euros(reference(principal))


@given(principals, principals)
def test_monotone_in_the_principal(a, b):
    low, high = sorted((a, b))
    assert collection_costs([low]).total <= collection_costs([high]).total


@given(principals, st.booleans())
def test_never_below_the_minimum_nor_above_the_maximum(principal, vat):
    factor = D("1.21") if vat else D(1)
    total = collection_costs([principal], vat=vat).total
    assert euros(MINIMUM * factor) <= total <= euros(MAXIMUM * factor)


@given(principals, principals)
def test_aggregation_never_costs_more_than_separate_notices(a, b):
    # Exactly, before rounding: one notice on a + b never claims more than two notices would.
    assert reference(a + b) <= reference(a) + reference(b)
    # Rounded: each notice rounds to the nearest cent, so the sum of two rounded amounts can be one cent
    # under the exact sum (e.g. 2000.03 and 400.03 in the first band).
    together = collection_costs([a, b]).total
    assert together <= collection_costs([a]).total + collection_costs([b]).total + D("0.01")


@given(st.lists(principals, min_size=1, max_size=6))
def test_one_notice_adds_its_principals_before_the_bands(amounts):
    assert collection_costs(amounts) == collection_costs([sum(amounts, D(0))])
