"""The simulated corporation is written chapter by chapter.

A chapter may act once before the dwellings are visited (`begin`), on every chunk of dwellings
(`chunk`, with the tenancy plans of that chunk, inside one transaction), and once at the end (`end`).
A later issue adds a chapter (portal contacts, phone contacts, repair requests) by appending a class
to `CHAPTERS`; the tenancy plans already carry the life events such contacts would follow from.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

from roer.demo.logins import demo_tenant_logins_ensure
from roer.demo.repairs_writer import main_tenants, repair_setting, story_accounts_adopt
from roer.demo.simulation.corporation import DwellingPlan, plan_corporation
from roer.demo.simulation.names import NamePool
from roer.demo.simulation.payments import simulate_tenancy
from roer.demo.simulation.plans import TenancyPlan
from roer.demo.simulation.repairs import simulate_repairs
from roer.demo.writer import LedgerRows, write_corporation, write_life_events, write_tenancies


@dataclass
class Build:
    seed: int
    dwellings: int
    history_start: dt.date
    until: dt.date
    names: NamePool
    dwelling_plans: list[DwellingPlan] = field(default_factory=list)
    dwelling_ids: dict[str, int] = field(default_factory=dict)
    tenancy_ids: dict[str, int] = field(default_factory=dict)  # of the chunk being written
    counts: Counter[str] = field(default_factory=Counter)

    def rng(self, *parts: object) -> random.Random:
        """An independent, reproducible stream for one purpose and one thing (a dwelling, a tenancy)."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))


class Chapter:
    name: ClassVar[str]

    def begin(self, build: Build) -> None:
        """Once, before the first chunk."""

    def chunk(self, build: Build, plans: list[TenancyPlan]) -> None:
        """For every chunk of dwellings, in the order of `CHAPTERS`."""

    def end(self, build: Build) -> None:
        """Once, after the last chunk."""


class CorporationChapter(Chapter):
    name = "corporation"

    def begin(self, build: Build) -> None:
        complexes, dwellings = plan_corporation(
            build.rng("corporation"),
            build.names,
            dwellings=build.dwellings,
            history_start=build.history_start,
            until=build.until,
        )
        build.dwelling_plans = dwellings
        build.dwelling_ids = write_corporation(complexes, dwellings)
        build.counts["complexes"] += len(complexes)
        build.counts["dwellings"] += len(dwellings)


class TenanciesChapter(Chapter):
    name = "tenancies"

    def chunk(self, build: Build, plans: list[TenancyPlan]) -> None:
        build.tenancy_ids = write_tenancies(plans, build.dwelling_ids, until=build.until)
        build.counts["tenancies"] += len(plans)
        build.counts["persons"] += sum(len(plan.members) for plan in plans)


class LifeEventsChapter(Chapter):
    name = "life events"

    def chunk(self, build: Build, plans: list[TenancyPlan]) -> None:
        build.counts["life events"] += write_life_events(plans, build.tenancy_ids)


class LedgerChapter(Chapter):
    name = "ledger"

    def chunk(self, build: Build, plans: list[TenancyPlan]) -> None:
        rows = LedgerRows()
        for plan in plans:
            bookings = simulate_tenancy(
                build.rng("ledger", plan.reference),
                plan,
                history_start=build.history_start,
                until=build.until,
            )
            rows.add(build.tenancy_ids[plan.reference], bookings)
        build.counts["ledger entries"] += rows.flush()


class RepairsChapter(Chapter):
    """Portal accounts, repair requests with their orders, visits and grades, the wizard's runs, and the
    contact moments (`roer.demo.simulation.repairs`, written by `roer.demo.repairs_writer`). Before the
    accounts chapter: a demo tenant login takes over the portal account its household opened."""

    name = "repairs"

    def begin(self, build: Build) -> None:
        self.setting = repair_setting(history_start=build.history_start, until=build.until)
        self.dwellings = {d.reference: d for d in build.dwelling_plans}

    def chunk(self, build: Build, plans: list[TenancyPlan]) -> None:
        setting = self.setting
        rows = setting.rows()
        persons = main_tenants(build.tenancy_ids[plan.reference] for plan in plans)
        for plan in plans:
            tenancy_id = build.tenancy_ids[plan.reference]
            result = simulate_repairs(
                build.rng("repairs", plan.reference),
                plan,
                self.dwellings[plan.dwelling_reference],
                setting.world,
                usernames=setting.usernames,
                contacts_rng=build.rng("contacts", plan.reference),
            )
            rows.add(
                tenancy_id=tenancy_id,
                dwelling_id=build.dwelling_ids[plan.dwelling_reference],
                person_id=persons.get(tenancy_id),
                result=result,
            )
        build.counts.update(rows.flush())

    def end(self, build: Build) -> None:
        story_accounts_adopt()


class AccountsChapter(Chapter):
    name = "accounts"

    def end(self, build: Build) -> None:
        # The staff accounts are not part of the simulation: `roer demo` ensures them on every run.
        build.counts["tenant logins"] += len(demo_tenant_logins_ensure())


CHAPTERS: list[type[Chapter]] = [
    CorporationChapter,
    TenanciesChapter,
    LifeEventsChapter,
    LedgerChapter,
    RepairsChapter,
    AccountsChapter,
]
