"""Simulated tenants for `python -m bench portal_load` (locust, headless, loopback only).

Each simulated tenant takes one of the signed-in sessions the benchmark prepared (bench/data/portal-sessions.json),
then browses what tenants use most: the rent account, the letters, the repair requests and one request, the
repair wizard (its start page, a search, a problem's questions) and the answers, with 1 to 5 seconds of
thinking between pages. `ROER_BENCH_THINK=0` drops the thinking, to measure throughput; `ROER_BENCH_FLOOR=1`
asks only the bare floor view.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, constant, task

SESSIONS = Path(__file__).parent / "data" / "portal-sessions.json"
THINK = os.environ.get("ROER_BENCH_THINK", "1") != "0"
FLOOR = os.environ.get("ROER_BENCH_FLOOR") == "1"
SEARCHES = (
    "lekkage",
    "verstopte gootsteen",
    "cv doet het niet",
    "sleutel kwijt",
    "kapotte deurbel",
    "schimmel",
)

_SESSIONS = itertools.cycle(json.loads(SESSIONS.read_text(encoding="utf-8")) if SESSIONS.exists() else [])
_REQUEST_LINK = re.compile(r'href="(/portal/reparatie/verzoek/\d+/)"')
_PROBLEM_LINK = re.compile(r'href="(/portal/reparatie/probleem/[\w-]+/)"')
_ANSWER_LINK = re.compile(r'href="(/portal/antwoorden/[\w-]+/)"')


class Tenant(HttpUser):
    wait_time = between(1, 5) if THINK else constant(0)

    def page(self, url: str, name: str, params: dict[str, str] | None = None) -> str:
        """GET a page; a redirect to the sign-in page (a lost session) counts as a failure."""
        with self.client.get(url, params=params, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
            return response.text

    def on_start(self) -> None:
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.answers: list[str] = []
        if not FLOOR:
            self.client.cookies.set("sessionid", next(_SESSIONS))

    @task(1)
    def floor(self) -> None:
        if FLOOR:
            self.page("/bench-floor/", "floor")

    @task(4)
    def rent_account(self) -> None:
        if not FLOOR:
            self.page("/portal/huur/", "rent account")

    @task(1)
    def letters(self) -> None:
        if not FLOOR:
            self.page("/portal/huur/brieven/", "letters")

    @task(3)
    def repair_status(self) -> None:
        if FLOOR:
            return
        listing = self.page("/portal/reparatie/verzoeken/", "repair requests")
        self.requests = _REQUEST_LINK.findall(listing) or self.requests
        if self.requests:
            self.page(random.choice(self.requests), "one repair request")

    @task(3)
    def wizard(self) -> None:
        if FLOOR:
            return
        self.page("/portal/reparatie/", "wizard start")
        found = self.page("/portal/reparatie/", "wizard search", {"q": random.choice(SEARCHES)})
        self.problems = _PROBLEM_LINK.findall(found) or self.problems
        if self.problems:
            self.page(random.choice(self.problems), "wizard problem")

    @task(2)
    def answers(self) -> None:
        if FLOOR:
            return
        found = self.page("/portal/antwoorden/", "answers search", {"q": "huur betalen"})
        self.answers = _ANSWER_LINK.findall(found) or self.answers
        if self.answers:
            self.page(random.choice(self.answers), "one answer")
