"""Rules as versioned data: each domain app registers a rule set (schema and default document);
drafts are validated, published, and rolled back here, each step journaled."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roer.core import journal
from roer.core.constants import RuleVersionStatus
from roer.core.models import RuleSet, RuleVersion

Document = dict[str, Any]


class RuleValidationError(ValueError):
    def __init__(self, rule_set: str, problems: list[str]):
        self.rule_set = rule_set
        self.problems = problems
        super().__init__(f"{rule_set}: " + "; ".join(problems))


@dataclass(frozen=True)
class RuleSetDefinition:
    key: str
    title: str
    schema: Mapping[str, Any]
    default: Callable[[], Document]
    # Checks a schema cannot express (references between parts, sums); returns the problems found.
    check: Callable[[Document], list[str]] = field(default=lambda document: [])


REGISTRY: dict[str, RuleSetDefinition] = {}


def register(definition: RuleSetDefinition) -> RuleSetDefinition:
    jsonschema.Draft202012Validator.check_schema(definition.schema)
    REGISTRY[definition.key] = definition
    return definition


def definition_of(key: str) -> RuleSetDefinition:
    try:
        return REGISTRY[key]
    except KeyError:
        raise LookupError(f"no rule set {key!r}; known: {sorted(REGISTRY)}") from None


def validate(key: str, document: Document) -> None:
    definition = definition_of(key)
    validator = jsonschema.Draft202012Validator(definition.schema)
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = definition.check(document)
    if problems:
        raise RuleValidationError(key, problems)


# --- selectors -------------------------------------------------------------------------------


def live_version(key: str) -> RuleVersion:
    """The published version of a rule set."""
    try:
        return RuleVersion.objects.select_related("rule_set").get(
            rule_set__key=key, status=RuleVersionStatus.PUBLISHED
        )
    except RuleVersion.DoesNotExist:
        raise LookupError(f"rule set {key!r} has no published version; run `roer migrate`") from None


def versions_of(key: str) -> list[RuleVersion]:
    return list(RuleVersion.objects.filter(rule_set__key=key).select_related("rule_set").order_by("number"))


# --- services --------------------------------------------------------------------------------


def rule_version_draft(*, key: str, document: Document, by: Any = None, note: str = "") -> RuleVersion:
    """A new draft; it is validated now, so no invalid document is ever stored."""
    definition = definition_of(key)
    validate(key, document)
    with transaction.atomic():
        rule_set, _ = RuleSet.objects.get_or_create(key=key, defaults={"title": definition.title})
        # Lock the rule set row so two drafts never take the same number.
        rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        number = (rule_set.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = RuleVersion.objects.create(
            rule_set=rule_set,
            number=number,
            document=document,
            schema=dict(definition.schema),
            note=note,
            created_by=by,
        )
        journal.record(
            activity="rule_version_drafted",
            subjects=[version],
            actor=by,
            facts={"rule_set": key, "number": number},
        )
    return version


def rule_version_publish(*, version: RuleVersion, by: Any = None) -> RuleVersion:
    """Make a draft (or a retired version) live; the version live until now is retired."""
    with transaction.atomic():
        version = RuleVersion.objects.select_for_update().select_related("rule_set").get(pk=version.pk)
        if version.status == RuleVersionStatus.PUBLISHED:
            return version
        validate(version.rule_set.key, version.document)
        previous = (
            RuleVersion.objects.select_for_update()
            .filter(rule_set=version.rule_set, status=RuleVersionStatus.PUBLISHED)
            .first()
        )
        if previous is not None:
            previous.status = RuleVersionStatus.RETIRED
            previous.save(update_fields=["status"])
        version.status = RuleVersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["status", "published_at", "published_by"])
        journal.record(
            activity="rule_version_published",
            subjects=[version],
            actor=by,
            rule_versions=[version],
            facts={
                "rule_set": version.rule_set.key,
                "number": version.number,
                "replaces": previous.number if previous else None,
            },
        )
    return version


def rule_version_roll_back(*, key: str, by: Any = None) -> RuleVersion:
    """Retire the live version and make the one published before it live again."""
    with transaction.atomic():
        live = live_version(key)
        earlier = (
            RuleVersion.objects.filter(
                rule_set=live.rule_set,
                status=RuleVersionStatus.RETIRED,
                published_at__isnull=False,
                number__lt=live.number,
            )
            .order_by("-published_at", "-number")
            .first()
        )
        if earlier is None:
            raise LookupError(f"rule set {key!r} has no earlier published version to roll back to")
        restored = rule_version_publish(version=earlier, by=by)
        journal.record(
            activity="rule_version_rolled_back",
            subjects=[restored, live],
            actor=by,
            rule_versions=[restored],
            facts={"rule_set": key, "from": live.number, "to": restored.number},
        )
    return restored


def install_defaults() -> list[RuleVersion]:
    """Publish the default document of every registered rule set that has no live version yet."""
    installed = []
    for key, definition in sorted(REGISTRY.items()):
        if RuleVersion.objects.filter(rule_set__key=key, status=RuleVersionStatus.PUBLISHED).exists():
            continue
        draft = rule_version_draft(key=key, document=definition.default(), note="Default shipped with Roer")
        installed.append(rule_version_publish(version=draft))
    return installed
