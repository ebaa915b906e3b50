"""Exact arithmetic and calendar helpers of the oracle (no float anywhere).

Money is ``decimal.Decimal`` / ``fractions.Fraction``; every rate, mean and ratio is an exact
``Fraction``; ``None`` is a null (e.g. a rate whose denominator is 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

ZERO_CENTS = Decimal("0.00")


def round_half_away(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round exactly to ``places`` decimals, halves away from zero (10.005 -> 10.01)."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)


def safe_div(numerator: Any, denominator: Any) -> Fraction | None:
    """numerator / denominator as an exact Fraction; null when either is null or den = 0."""
    if numerator is None or denominator is None:
        return None
    if Fraction(denominator) == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def mean(values: Iterable[Any]) -> Fraction | None:
    items = [Fraction(value) for value in values]
    return safe_div(sum(items, Fraction(0)), len(items))


def median(values: Iterable[Any]) -> Fraction | None:
    """Continuous median (percentile_cont 0.5): mean of the two middle values when even."""
    items = sorted(Fraction(value) for value in values)
    if not items:
        return None
    middle = len(items) // 2
    if len(items) % 2:
        return items[middle]
    return (items[middle - 1] + items[middle]) / 2


def hours_between(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(microseconds=1), 3600 * 10**6)


def days_between(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(microseconds=1), 86400 * 10**6)


def month_of(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    year, month_index = divmod(month.year * 12 + month.month - 1 + count, 12)
    return date(year, month_index + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole months from the month of ``start`` to the month of ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts, every pandas missing value read as ``None``."""
    records = frame.to_dict("records")
    return [{key: _none_if_missing(value) for key, value in row.items()} for row in records]


def _none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)
