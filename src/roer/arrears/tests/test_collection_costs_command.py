import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roer.arrears.management.commands.collection_costs import Command


def run(*args: str) -> str:
    out = StringIO()
    # The command object itself, so the test does not need the app in INSTALLED_APPS.
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_a_human_table_with_the_bands():
    out = run("4000")
    assert "Principal: € 4.000,00" in out
    assert "15%" in out and "10%" in out
    assert out.strip().endswith("Total: € 525,00")


def test_amounts_of_one_notice_are_added_and_accept_a_decimal_comma():
    out = run("200,00", "200.00")
    assert "2 amounts added up" in out
    assert "Total: € 60,00" in out


def test_json_with_amounts_as_strings():
    document = json.loads(run("10000", "--vat", "--json"))
    assert document["principals"] == ["10000.00"]
    assert (document["costs"], document["vat"], document["total"]) == ("875.00", "183.75", "1058.75")
    assert [band["amount"] for band in document["bands"]] == ["375.00", "250.00", "250.00"]
    assert document["limit"] is None


def test_the_limits_are_explained():
    assert "the legal minimum is € 40,00" in run("50")
    assert "the legal maximum is € 6.775,00" in run("2000000")


@pytest.mark.parametrize("bad", ["twelve", "1.2.3", "-5"])
def test_a_bad_amount_is_named(bad):
    with pytest.raises(CommandError, match=repr(bad).replace(".", r"\.")):
        run("100", bad)
