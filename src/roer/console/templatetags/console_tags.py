from __future__ import annotations

from decimal import Decimal

from django import template

from roer.core.money import format_euros

register = template.Library()


@register.filter
def euros(value: Decimal | None) -> str:
    """€ 1.234,56, the way Dutch people write money; empty for nothing."""
    if value is None or value == "":
        return ""
    return format_euros(Decimal(value))
