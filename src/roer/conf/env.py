"""Reads configuration from the environment; every variable Roer reads is declared here.

docs/configuration.md documents each one; a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Variable:
    name: str
    help: str


DECLARED: dict[str, Variable] = {}


def _declare(name: str, help_text: str) -> str | None:
    DECLARED[name] = Variable(name, help_text)
    return os.environ.get(name)


def env_str(name: str, default: str, help_text: str) -> str:
    value = _declare(name, help_text)
    return default if value is None else value


def env_optional(name: str, help_text: str) -> str | None:
    value = _declare(name, help_text)
    return value or None


def env_bool(name: str, default: bool, help_text: str) -> bool:
    value = _declare(name, help_text)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of {sorted(TRUE_WORDS | FALSE_WORDS)}")


def env_int(name: str, default: int, help_text: str) -> int:
    value = _declare(name, help_text)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from exc


def env_list(name: str, default: list[str], help_text: str) -> list[str]:
    value = _declare(name, help_text)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
