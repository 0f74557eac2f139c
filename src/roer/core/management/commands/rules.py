"""`roer rules`: list, show, draft, publish and roll back versions of the rule sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.core import rules
from roer.core.models import RuleVersion


class Command(BaseCommand):
    help = (
        "Versioned rules: list | show KEY [--number N] | draft KEY FILE.json | publish KEY N | rollback KEY"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every rule set with its live version")
        show = actions.add_parser("show", help="print a version's document as JSON")
        show.add_argument("key")
        show.add_argument("--number", type=int, help="default: the live version")
        draft = actions.add_parser("draft", help="store a JSON document as a new draft, after validating it")
        draft.add_argument("key")
        draft.add_argument("file", type=Path)
        draft.add_argument("--note", default="")
        publish = actions.add_parser("publish", help="make a version live")
        publish.add_argument("key")
        publish.add_argument("number", type=int)
        rollback = actions.add_parser("rollback", help="make the previously live version live again")
        rollback.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except (LookupError, rules.RuleValidationError) as problem:
            raise CommandError(str(problem)) from problem

    def _list(self, **options: Any) -> None:
        for key, definition in sorted(rules.REGISTRY.items()):
            versions = rules.versions_of(key)
            live = next((v.number for v in versions if v.status == "published"), None)
            self.stdout.write(
                f"{key:32} live v{live if live else '-'}  ({len(versions)} versions)  {definition.title}"
            )

    def _version(self, key: str, number: int | None) -> RuleVersion:
        if number is None:
            return rules.live_version(key)
        found = next((v for v in rules.versions_of(key) if v.number == number), None)
        if found is None:
            raise LookupError(f"rule set {key!r} has no version {number}")
        return found

    def _show(self, key: str, number: int | None = None, **options: Any) -> None:
        version = self._version(key, number)
        self.stdout.write(json.dumps(version.document, indent=2, ensure_ascii=False))

    def _draft(self, key: str, file: Path, note: str, **options: Any) -> None:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except OSError as problem:
            raise CommandError(f"{file}: {problem.strerror}") from problem
        except (json.JSONDecodeError, UnicodeDecodeError) as problem:
            raise CommandError(f"{file}: not valid JSON ({problem})") from problem
        version = rules.rule_version_draft(key=key, document=document, note=note)
        self.stdout.write(
            f"{version.label} stored as a draft; publish it with: roer rules publish {key} {version.number}"
        )

    def _publish(self, key: str, number: int, **options: Any) -> None:
        version = rules.rule_version_publish(version=self._version(key, number))
        self.stdout.write(f"{version.label} is live")

    def _rollback(self, key: str, **options: Any) -> None:
        version = rules.rule_version_roll_back(key=key)
        self.stdout.write(f"{version.label} is live again")
