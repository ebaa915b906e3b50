"""Numeric helpers, random streams and Arrow column builders shared by the generator's domains."""

from collections.abc import Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
HOUR = 3_600
NULL = -1


Cols = dict[str, np.ndarray]


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """An independent, reproducible random stream for (seed, *stream)."""
    return np.random.default_rng(np.random.SeedSequence([seed, *stream]))


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def pick(rng: np.random.Generator, probs: Sequence[float], size: int) -> np.ndarray:
    """Draw category codes with fixed probabilities."""
    cdf = np.cumsum(np.asarray(probs, dtype=float))
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category code per row of a (rows x categories) probability matrix."""
    if probs.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    codes = (rng.random(probs.shape[0])[:, None] > cdf).sum(axis=1)
    return np.minimum(codes, probs.shape[1] - 1)


def uniform_int(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Integers in [low, high], inclusive."""
    return rng.integers(low, high + 1, size=size, dtype=np.int64)


def lognormal_around(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int
) -> np.ndarray:
    return np.asarray(median, dtype=float) * rng.lognormal(0.0, sigma, size)


def business_seconds(
    rng: np.random.Generator, size: int, mean_h: float = 14.0, sd_h: float = 3.5
) -> np.ndarray:
    """Seconds into a day, concentrated on office hours (UTC)."""
    secs = rng.normal(mean_h * HOUR, sd_h * HOUR, size)
    return np.clip(secs, 0, DAY - 1).astype(np.int64)


def to_days(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Calendar month arithmetic on day numbers; the day of month is clamped."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + np.broadcast_to(np.asarray(months), d.shape).astype("timedelta64[M]")
    first = nm.astype("datetime64[D]")
    month_len = ((nm + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(dom, month_len - 1)


def month_start(days: np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday."""
    return (np.asarray(days) + 3) % 7


def round_cents(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float)).astype(np.int64)


class Rows:
    """Collects column arrays appended in pieces; ``build`` concatenates them."""

    def __init__(self, *names: str) -> None:
        self.parts: dict[str, list[np.ndarray]] = {n: [] for n in names}

    def add(self, **cols: np.ndarray | int) -> None:
        sizes = {np.size(v) for v in cols.values() if np.ndim(v) > 0}
        size = sizes.pop() if sizes else 1
        for name, values in cols.items():
            arr = np.asarray(values)
            self.parts[name].append(np.full(size, arr) if arr.ndim == 0 else arr)

    def build(self) -> Cols:
        return {
            n: np.concatenate(p) if p else np.zeros(0, dtype=np.int64)
            for n, p in self.parts.items()
        }


def take(cols: Cols, idx: np.ndarray) -> Cols:
    return {k: v[idx] for k, v in cols.items()}


def a_id(prefix: str, width: int, ids: np.ndarray) -> pa.Array:
    """Identifiers such as C000123 from integers; negative = null."""
    ids = np.asarray(ids, dtype=np.int64)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.maximum(ids, 0)), pa.string()), width, "0")
    out = pc.binary_join_element_wise(prefix, digits, "")
    if (ids < 0).any():
        out = pc.if_else(pa.array(ids < 0), pa.scalar(None, pa.string()), out)
    return out


def a_cat(codes: np.ndarray, categories: Sequence[str]) -> pa.Array:
    codes = np.asarray(codes)
    indices = pa.array(np.maximum(codes, 0).astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(categories), pa.string()))


def a_ts(secs: np.ndarray) -> pa.Array:
    secs = np.asarray(secs, dtype=np.int64)
    return pa.array(secs, type=pa.timestamp("s"), mask=secs < 0)


def a_date(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=days < 0)


def a_int(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64))


def a_dec(units: np.ndarray, scale: int = 2) -> pa.Array:
    """Decimals from integer minor units (cents for scale 2)."""
    values = np.asarray(units, dtype=np.int64) / 10**scale
    return pa.array(values).cast(pa.decimal128(18, scale))


def a_bool(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool))


def scatter_days(
    rng: np.random.Generator, start: np.ndarray, stop: np.ndarray, rate_per_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson events over intervals: (interval index, day) per event."""
    length = np.maximum(stop - start, 0)
    counts = rng.poisson(rate_per_day * length)
    iv = np.repeat(np.arange(len(start)), counts)
    day = start[iv] + np.floor(rng.random(len(iv)) * length[iv]).astype(np.int64)
    return iv, day
