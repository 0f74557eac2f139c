"""Money is Decimal euros with two places; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def euros(value: Decimal | int | str) -> Decimal:
    """Round to cents, half up. Refuses floats, whose binary fractions are not cents."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def parse_amount(text: str) -> Decimal:
    """An amount as ERPs and people write it: 1234.56, 1234,56, 1.234,56, 1,234.56, € 12,-."""
    cleaned = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith(",-") or cleaned.endswith(".-"):
        cleaned = cleaned[:-2]
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned or cleaned.count(".") > 1:
        raise ValueError(f"not an amount: {text!r}")
    return euros(cleaned)


def format_euros(amount: Decimal) -> str:
    """Dutch notation: € 1.234,56."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(euros(amount)):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}€ {'.'.join(groups)},{cents}"
