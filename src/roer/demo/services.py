"""Build and wipe the simulated corporation."""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from roer.accounts.models import User
from roer.core import journal
from roer.demo.chapters import CHAPTERS, Build
from roer.demo.logins import DEMO_TENANT_STORIES
from roer.demo.models import LifeEvent, PaymentProfile, SimulationRun
from roer.demo.progress import Progress, Writable
from roer.demo.repairs_writer import repairs_wipe
from roer.demo.selectors import foreign_data
from roer.demo.simulation.calendar import history_start_for
from roer.demo.simulation.households import plan_dwelling
from roer.demo.simulation.names import NamePool
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import (
    Complex,
    DebtMeasure,
    Dwelling,
    HouseholdMember,
    Person,
    Rent,
    Tenancy,
    TenancyParty,
)

logger = structlog.get_logger(__name__)

CHUNK_DWELLINGS = 1000


class DemoConflict(Exception):
    """The database holds data the simulation did not make; the demo refuses to touch it."""


def demo_build(
    *,
    dwellings: int,
    years: int,
    seed: int,
    until: dt.date,
    stream: Writable | None = None,
    chunk_dwellings: int = CHUNK_DWELLINGS,
) -> SimulationRun:
    """Write the simulated corporation, chunk by chunk, each chunk in its own transaction."""
    if dwellings < 1 or years < 1:
        raise ValueError("a simulated corporation needs at least one dwelling and one year")
    found = foreign_data()
    if found:
        raise DemoConflict(
            f"the database holds data that is not the demo's ({', '.join(found)}); use an empty database"
        )
    history_start = history_start_for(until=until, years=years)
    run = SimulationRun.objects.create(
        dwellings=dwellings, years=years, seed=seed, history_start=history_start, until=until
    )
    build = Build(
        seed=seed,
        dwellings=dwellings,
        history_start=history_start,
        until=until,
        names=NamePool.from_faker(seed),
    )
    chapters = [chapter() for chapter in CHAPTERS]
    # Small enough to report every tenth and to bound memory; large enough for long INSERT batches.
    chunk_dwellings = max(1, min(chunk_dwellings, -(-dwellings // 10)))
    progress = Progress(total=dwellings, unit="dwellings", stream=stream)
    with transaction.atomic():
        for chapter in chapters:
            chapter.begin(build)
    for first in range(0, dwellings, chunk_dwellings):
        chunk = build.dwelling_plans[first : first + chunk_dwellings]
        plans = [
            plan
            for dwelling in chunk
            for plan in plan_dwelling(
                build.rng("dwelling", dwelling.index),
                build.names,
                dwelling,
                history_start=history_start,
                until=until,
            )
        ]
        with transaction.atomic():
            for chapter in chapters:
                chapter.chunk(build, plans)
        progress.advance(first + len(chunk), build.counts)
    for chapter in chapters:
        chapter.end(build)
    run.finished_at = timezone.now()
    run.counts = dict(build.counts)
    run.seconds = round(progress.elapsed, 1)
    run.save(update_fields=["finished_at", "counts", "seconds"])
    journal.record(
        activity="demo_built",
        subjects=[run],
        facts={"dwellings": dwellings, "years": years, "seed": seed, "until": until, **run.counts},
    )
    logger.info("demo_built", seconds=run.seconds, **{k.replace(" ", "_"): v for k, v in run.counts.items()})
    return run


def demo_wipe() -> None:
    """Remove the simulated corporation and its tenant logins; refuse if anything else is there."""
    found = foreign_data()
    if found:
        raise DemoConflict(
            f"the database holds data that is not the demo's ({', '.join(found)}); not wiping it"
        )
    with transaction.atomic():
        person_ids = list(HouseholdMember.objects.values_list("person_id", flat=True).distinct())
        try:
            repairs_wipe(person_ids=person_ids)
            # Children first, so each delete is one plain DELETE and not a walk over related rows.
            for model in (
                LedgerEntry,
                LifeEvent,
                PaymentProfile,
                DebtMeasure,
                HouseholdMember,
                TenancyParty,
                Rent,
            ):
                model.objects.all().delete()
            Tenancy.objects.all().delete()
            Dwelling.objects.all().delete()
            Complex.objects.all().delete()
            User.objects.filter(username__in=list(DEMO_TENANT_STORIES), is_demo=True).delete()
            for first in range(0, len(person_ids), 5000):
                Person.objects.filter(pk__in=person_ids[first : first + 5000]).delete()
        except ProtectedError as error:
            blocking = sorted({obj._meta.label for obj in error.protected_objects})
            raise DemoConflict(
                f"other data points at the demo's rows ({', '.join(blocking)}); not wiping"
            ) from None
        SimulationRun.objects.all().delete()
    logger.info("demo_wiped")
