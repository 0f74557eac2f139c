"""Two of the same thing at once, on PostgreSQL: each thread has its own connection and its own transaction,
as two web workers or a cron job and a person would. Only one of them may take effect.

SQLite lets one writer in at a time, so it cannot show a race: these tests are skipped there. `make test`
runs them in its PostgreSQL pass.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db import connections as all_connections

from roer.accounts.tests.factories import UserFactory
from roer.arrears.constants import RunStatus
from roer.arrears.models import CollectionRun, Letter, RunDecision
from roer.arrears.services.run import CollectionRunBusy, collections_run
from roer.arrears.tests.factories import tenancy_with_ledger
from roer.arrears.tests.test_run import OCTOBER, late_payer
from roer.core.constants import Channel
from roer.core.models import OutboxMessage
from roer.ledger.models import BankEntry, LedgerEntry
from roer.ledger.services.statements import statement_import
from roer.ledger.tests.conftest import RENT_DAY
from roer.ledger.tests.factories import TenancyFactory as PayingTenancyFactory
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.tests.test_submit import submit
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite takes one writer at a time, so it cannot race; run with DATABASE_URL=postgresql://...",
    ),
]

RUN_DATE = dt.date(2026, 10, 9)


def at_once(*work: Callable[[], Any], timeout: float = 15) -> list[Any]:
    """Run each callable in its own thread, released together; each thread's result or exception."""
    start = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = job()
        except BaseException as problem:  # handed back to the test to judge
            results[index] = problem
        finally:
            all_connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung: a lock was never released"
    return results


@pytest.fixture
def letters_on_disk(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _in_arrears(count: int) -> list[Any]:
    return [
        tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
        for _ in range(count)
    ]


def test_two_collection_runs_for_one_date_at_once_send_each_letter_once(letters_on_disk: None) -> None:
    tenancies = _in_arrears(3)

    results = at_once(lambda: collections_run(run_date=RUN_DATE), lambda: collections_run(run_date=RUN_DATE))

    runs = [r for r in results if isinstance(r, CollectionRun)]
    refused = [r for r in results if isinstance(r, CollectionRunBusy)]
    assert runs and len(runs) + len(refused) == 2, results  # one ran; the other waited or refused
    assert CollectionRun.objects.get(run_date=RUN_DATE).status == RunStatus.FINISHED
    assert Letter.objects.count() == len(tenancies)
    assert RunDecision.objects.count() == len(tenancies)
    for tenancy in tenancies:
        assert Letter.objects.filter(tenancy=tenancy).count() == 1


def test_a_run_that_dies_halfway_is_completed_by_the_rerun_without_duplicates(
    letters_on_disk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-run: simulated by an error that escapes the run after its first batch."""
    tenancies = _in_arrears(3)
    from roer.arrears.services import run as run_module

    monkeypatch.setattr(run_module, "batches", lambda ids: [[i] for i in sorted(ids)])
    real_record = run_module._record_batch
    batches_done = 0

    def dies_after_the_first_batch(ctx: Any) -> None:
        nonlocal batches_done
        if batches_done == 1:
            raise SystemExit("worker killed")
        real_record(ctx)
        batches_done += 1

    monkeypatch.setattr(run_module, "_record_batch", dies_after_the_first_batch)
    with pytest.raises(SystemExit):
        collections_run(run_date=RUN_DATE)
    assert Letter.objects.count() == 1  # the first batch was committed, the second rolled back
    assert CollectionRun.objects.get(run_date=RUN_DATE).status == RunStatus.RUNNING  # no one marked it

    monkeypatch.setattr(run_module, "_record_batch", real_record)
    monkeypatch.setattr(run_module, "STALE_AFTER", dt.timedelta(0))  # the dead run counts as dead now
    rerun = collections_run(run_date=RUN_DATE)

    assert rerun.status == RunStatus.FINISHED
    assert RunDecision.objects.count() == len(tenancies)
    keys = list(Letter.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == len(tenancies) and all(keys)
    # One e-mail per e-mailed letter: none for the letter the dead run rolled back, none twice.
    emailed = Letter.objects.filter(channel=Channel.EMAIL).count()
    assert emailed and OutboxMessage.objects.filter(key__startswith="letter-email:").count() == emailed


def test_the_same_bank_statement_imported_twice_at_once_books_one_set_of_payments() -> None:
    PayingTenancyFactory(payment_reference="7000000000000101", iban="NL02ABNA0123456789")
    PayingTenancyFactory(payment_reference="7000000000000202")

    results = at_once(lambda: statement_import(paths=[RENT_DAY]), lambda: statement_import(paths=[RENT_DAY]))

    assert not [r for r in results if isinstance(r, BaseException)], results
    booked = sorted(r.total("booked") for r in results)
    skipped = sorted(r.total("duplicates_skipped") for r in results)
    assert booked == [0, 7] and skipped == [0, 7]
    assert BankEntry.objects.count() == 7
    assert LedgerEntry.objects.filter(bank_entry__isnull=False).count() == 2


def test_a_repair_form_submitted_twice_at_once_makes_one_request() -> None:
    user = UserFactory(email="huurder@example.nl")
    tenancy = TenancyFactory(tenant__person=PersonFactory(user=user))

    results = at_once(
        lambda: submit(tenancy, user, "boiler-broken", key="double-click"),
        lambda: submit(tenancy, user, "boiler-broken", key="double-click"),
    )

    assert all(isinstance(r, RepairRequest) for r in results), results
    assert results[0].pk == results[1].pk
    assert RepairRequest.objects.count() == 1 and WorkOrder.objects.count() == 1
