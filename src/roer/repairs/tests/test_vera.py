from roer.repairs import vera
from roer.repairs.scripts.build_vera_codes import read_codes


def test_the_shipped_copy_equals_the_vera_csv(shared_data):
    """vera_codes.json is generated from Referentiedata.csv; regenerate it when VERA changes."""
    from_csv = read_codes(shared_data / "vera" / "Referentiedata.csv")
    assert {kind: dict(codes) for kind, codes in vera.code_lists().items()} == from_csv


def test_lookup_knows_the_codes_the_wizard_uses():
    assert vera.name_of("ONDERHOUDSPECIALISME", "CVI") == "CV Installateur"
    assert vera.is_code("DEFECTSOORT", "VS0")
    assert vera.is_code("DEFECTLOCATIE", "KEU")
    assert not vera.is_code("DEFECTSOORT", "XXX")
    assert not vera.is_code("ONDERHOUDSPECIALISME", "KEU")  # a location code is not a trade


def test_ended_codes_are_left_out():
    # ZAN (Zandleverancier) has an end date in VERA: the hovenier (HOV) took over.
    assert not vera.is_code("ONDERHOUDSPECIALISME", "ZAN")
    assert vera.is_code("ONDERHOUDSPECIALISME", "HOV")
