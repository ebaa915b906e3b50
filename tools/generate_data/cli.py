"""The command line of the generator: write a raw dataset, or append a day to one."""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tools.generate_data.append_day import AppendConfig, append_day
from tools.generate_data.context import CHURN_MODELS, Config
from tools.generate_data.dataset import generate


def parse_args(argv: Sequence[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m tools.generate_data",
        description="Write deterministic raw sample data for the customer_success warehouse.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--customers", type=int, default=400, help="number of customers")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv")
    parser.add_argument(
        "--inject-bad-rows",
        action="store_true",
        help="append the documented contract-breaking rows",
    )
    parser.add_argument(
        "--churn-model",
        choices=CHURN_MODELS,
        default="signals",
        help="signals: accounts go bad (usage, tickets, surveys, payments) in the months before "
        "they cancel; random: churn independent of everything the health score reads",
    )
    parser.add_argument(
        "--chunk-size", type=int, default=10_000, help="customers per chunk (output depends on it)"
    )
    parser.add_argument(
        "--append-day",
        action="store_true",
        help="add one more day of data to the existing raw files in --out (append_day.py)",
    )
    parser.add_argument(
        "--late-days", type=int, default=2, help="with --append-day: how far back late rows are"
    )
    args = parser.parse_args(argv)
    if args.late_days < 1:
        parser.error("--late-days must be >= 1")
    if args.customers < 0 or args.chunk_size < 1 or args.seed < 0:
        parser.error("--customers and --seed must be >= 0, --chunk-size >= 1")
    if args.start.year < 1975 or args.end < args.start:
        parser.error("need 1975 <= --start <= --end")
    return Config(**vars(args))


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    began = time.perf_counter()
    if cfg.append_day:
        added = append_day(
            AppendConfig(cfg.out, cfg.seed, cfg.late_days, inject_bad_rows=cfg.inject_bad_rows)
        )
        day = date.fromordinal(added.pop("_day"))
        for name, count in added.items():
            print(f"{name:22s} {count:>12,d}", file=sys.stderr)
        elapsed = time.perf_counter() - began
        print(f"appended {day} to {cfg.out} in {elapsed:.1f}s", file=sys.stderr)
        return 0
    rows = generate(cfg)
    elapsed = time.perf_counter() - began
    for name, count in rows.items():
        print(f"{name:22s} {count:>12,d}", file=sys.stderr)
    print(f"wrote {sum(rows.values()):,d} rows to {cfg.out} in {elapsed:.1f}s", file=sys.stderr)
    return 0
