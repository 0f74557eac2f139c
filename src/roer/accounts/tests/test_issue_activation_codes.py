import datetime as dt
import json
import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roer.accounts.activation import activation_code_digest
from roer.accounts.models import ActivationCode
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.tenants import issue_letters, read_letters
from roer.core.models import JournalEvent
from roer.tenancies.constants import PartyRole
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory, TenancyPartyFactory

pytestmark = pytest.mark.django_db

CODE_FORMAT = re.compile(
    r"^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}$"
)


def _run(*args):
    out = StringIO()
    call_command("issue_activation_codes", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def household():
    tenancy = TenancyFactory(
        reference="HO-100",
        dwelling__street="Kerkstraat",
        dwelling__house_number="12 A",
        dwelling__postcode="1234 AB",
        dwelling__city="Amersfoort",
        tenant__person__name="Fatima el Amrani",
    )
    TenancyPartyFactory(tenancy=tenancy, person__name="Johan de Vries", role=PartyRole.CO_TENANT)
    return tenancy


def test_codes_for_a_tenancy_go_to_the_csv_only_and_are_stored_hashed(tmp_path, household):
    output = tmp_path / "brieven.csv"
    summary = _run("--tenancy", "HO-100", "--output", str(output))

    rows = read_letters(output)
    assert sorted(r["name"] for r in rows) == ["Fatima el Amrani", "Johan de Vries"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Fatima el Amrani"] | {"code": "", "valid_until": ""} == {
        "tenancy_reference": "HO-100",
        "name": "Fatima el Amrani",
        "address_line_1": "Kerkstraat 12 A",
        "address_line_2": "1234 AB  AMERSFOORT",
        "postcode": "1234 AB",
        "city": "Amersfoort",
        "code": "",
        "valid_until": "",
    }
    codes = [r["code"] for r in rows]
    assert all(CODE_FORMAT.match(code) for code in codes) and len(set(codes)) == 2
    assert stat.S_IMODE(output.stat().st_mode) == 0o600

    stored = list(ActivationCode.objects.order_by("pk"))
    assert len(stored) == 2
    for record in stored:
        assert (record.expires_at - record.issued_at) == dt.timedelta(days=30)
        assert record.used_at is None and record.attempts == 0
    # Hashed: the table holds the keyed hash of each code, never the code itself.
    assert {r.digest for r in stored} == {activation_code_digest(code) for code in codes}
    dumped = json.dumps(list(ActivationCode.objects.values()), default=str)
    assert not any(code in dumped or code.replace("-", "") in dumped for code in codes)

    assert "Issued 2 activation code(s) for 1 tenancy(ies)" in summary
    assert str(output) in summary
    assert not any(code in summary for code in codes)

    events = JournalEvent.objects.filter(activity="activation_code_issued")
    assert events.count() == 2
    journal_text = json.dumps([e.facts for e in events])
    assert "Fatima" not in journal_text and "Kerkstraat" not in journal_text
    assert not any(code[:4] in journal_text for code in codes)
    assert {e.channel for e in events} == {"BRI"}


def test_all_without_account_skips_accounts_the_deceased_and_ended_tenancies(tmp_path):
    with_account = TenancyFactory(tenant__person__user=UserFactory())
    deceased = TenancyFactory(tenant__person__died_on=dt.date(2024, 1, 5))
    TenancyFactory(ended=True)
    wanted = TenancyFactory()
    output = tmp_path / "all.csv"

    summary = json.loads(_run("--all-without-account", "--output", str(output), "--json"))

    assert summary == {
        "ok": True,
        "output": str(output),
        "issued": 1,
        "revoked": 0,
        "skipped_with_account": 1,
        "skipped_deceased": 1,
        "tenancies": 1,
        "expires_on": summary["expires_on"],
    }
    assert [r["tenancy_reference"] for r in read_letters(output)] == [wanted.reference]
    assert not ActivationCode.objects.filter(tenancy__in=[with_account, deceased]).exists()


def test_a_deceased_co_tenant_gets_no_code_but_the_living_tenant_does(tmp_path, household):
    TenancyPartyFactory(
        tenancy=household,
        person=PersonFactory(name="Overleden", died_on=dt.date(2025, 2, 1)),
        role=PartyRole.CO_TENANT,
    )
    rows = issue_letters(tmp_path, "HO-100")
    assert sorted(r["name"] for r in rows) == ["Fatima el Amrani", "Johan de Vries"]


def test_issuing_again_revokes_the_earlier_unused_code(tmp_path):
    tenancy = TenancyFactory()
    [first] = issue_letters(tmp_path, tenancy.reference, name="first.csv")
    summary = _run("--tenancy", tenancy.reference, "--output", str(tmp_path / "second.csv"))
    [second] = read_letters(tmp_path / "second.csv")

    assert first["code"] != second["code"]
    old = ActivationCode.objects.get(digest=activation_code_digest(first["code"]))
    new = ActivationCode.objects.get(digest=activation_code_digest(second["code"]))
    assert old.revoked_at is not None and new.revoked_at is None
    assert "Revoked 1 earlier unused code(s)." in summary


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenancy", "NOPE"], "unknown tenancy reference(s): NOPE"),
        ([], "say which tenancies"),
        (["--tenancy", "HO-100", "--all-without-account"], "not both"),
    ],
)
def test_a_bad_argument_is_one_clear_error_and_issues_nothing(tmp_path, household, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        _run(*args, "--output", str(tmp_path / "x.csv"))
    assert not ActivationCode.objects.exists()
    assert not (tmp_path / "x.csv").exists()


def test_an_existing_output_file_is_never_overwritten(tmp_path, household):
    output = tmp_path / "printed.csv"
    output.write_text("earlier batch")
    with pytest.raises(CommandError, match="exists already"):
        _run("--tenancy", "HO-100", "--output", str(output))
    assert output.read_text() == "earlier batch"
    assert not ActivationCode.objects.exists()


def test_when_the_file_cannot_be_written_no_code_is_issued_and_none_revoked(tmp_path, household, monkeypatch):
    issue_letters(tmp_path, "HO-100")
    from roer.accounts import activation

    def broken(output, rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(activation, "_write_letters_csv", broken)
    with pytest.raises(CommandError, match="No space left on device; nothing was issued"):
        _run("--tenancy", "HO-100", "--output", str(tmp_path / "again.csv"))
    assert ActivationCode.objects.count() == 2
    assert not ActivationCode.objects.filter(revoked_at__isnull=False).exists()
