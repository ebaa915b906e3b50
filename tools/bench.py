"""Benchmark: full build, one-day incremental build and the floor, per data size.

    python -m tools.bench --sizes 10000 100000 1000000 [--work DIR] [--reuse-data]

For each size (customers):

1. generate the raw data as Parquet (tools/generate_data.py; not timed) and count its rows;
2. **full build**: ``dbt run`` (every model, no tests) into a new warehouse; wall time and the
   peak resident memory of the whole process tree (dbt and its DuckDB), sampled with psutil;
3. **floor**: the compiled SQL of every model of that build (``target/compiled``) executed
   directly in one DuckDB connection in dependency order (``create table/view ... as``), with
   the same DuckDB settings and the same raw views, without dbt or Dagster;
4. **scheduled build**: ``python -m orchestration.run`` (what the schedule runs: dbt build with
   every test, the GX checks, publish, report, exports) into a new warehouse on the same data, with
   a new Dagster home; wall time, peak RSS of its process tree, and the time of each step (from
   the run's ``last_run.json``);
5. **incremental**: ``--append-day`` writes one more day (not timed), then ``dbt run`` on the
   full build's warehouse; wall time and the month it recomputed from.

Results are merged into ``docs/benchmarks.json`` (one entry per size, so sizes can be run
separately); the generated block of ``docs/benchmarks.md`` is rewritten from it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
DOCS = PROJECT_DIR / "docs"
RESULTS = DOCS / "benchmarks.json"
REPORT = DOCS / "benchmarks.md"
DBT = Path(sys.executable).with_name("dbt")
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
BLOCK_START = "<!-- written by make bench: start -->"
BLOCK_END = "<!-- written by make bench: end -->"
TARGETS = {"floor_ratio": 1.3, "full_seconds_1m": 15 * 60, "rss_gb_1m": 16, "incremental": 0.05}
SCHEDULED_TARGETS = {"ratio": 1.5, "seconds_1m": 10 * 60, "rss_gb_1m": 12}
# steps of the job build_all, as the scheduled-build table shows them
STEPS = {
    "dbt_build": "dbt build",
    "gx_quality": "GX",
    "serving_warehouse": "publish",
    "customer_success_report": "report",
    "mart_exports": "exports",
}


@dataclass
class SizeResult:
    customers: int
    raw_rows: dict[str, int]
    full_seconds: float
    peak_rss_bytes: int
    floor_seconds: float | None
    incremental_seconds: float | None
    recompute_from_month: str | None
    slowest_models: list[tuple[str, float]] = field(default_factory=list)
    measured_at: str = ""
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    duckdb_settings: str = ""
    parse_seconds: float | None = None
    incremental_slowest_models: list[tuple[str, float]] = field(default_factory=list)
    scheduled_seconds: float | None = None
    scheduled_peak_rss_bytes: int | None = None
    scheduled_steps: dict[str, float] = field(default_factory=dict)
    scheduled_dbt_execution: dict[str, float] = field(default_factory=dict)


class PeakRss:
    """Samples the summed RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                processes = [root, *root.children(recursive=True)]
                total = 0
                for process in processes:
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def dbt_env(work: Path, raw: Path, warehouse: Path, target: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CS_", "DBT_"))}
    env.update(
        CS_PROJECT_DIR=str(PROJECT_DIR),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        CS_RAW_DATA_DIR=str(raw),
        CS_WAREHOUSE_PATH=str(warehouse),
        CS_DUCKDB_TEMP_DIR=str(work / "duckdb_tmp"),
        DBT_TARGET_PATH=str(target),
        DBT_LOG_PATH=str(work / "logs"),
    )
    for name in ("CS_DUCKDB_MEMORY_LIMIT", "CS_DUCKDB_THREADS"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def timed_dbt(args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run dbt; (wall seconds, peak RSS bytes of the process tree). Raises on failure."""
    began = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(DBT), *args], cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        with PeakRss(process.pid) as rss:
            returncode = process.wait()
    elapsed = time.perf_counter() - began
    if returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed, see {log}")
    return elapsed, rss.peak


def scheduled_build(work: Path, raw: Path, target: Path) -> tuple[float, int, dict]:
    """``python -m orchestration.run`` into a new warehouse, serving file and Dagster home, over
    the manifest of ``target``: (wall seconds, peak RSS of the tree, its last_run.json)."""
    root = work / "scheduled"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    env = dbt_env(work, raw, root / "wh.duckdb", target)  # same file name: same manifest
    env.update(
        CS_SERVING_PATH=str(root / "serving.duckdb"),
        CS_LOGS_DIR=str(root / "logs"),
        DAGSTER_HOME=str(root / "dagster_home"),
    )
    env.pop("DBT_LOG_PATH")
    began = time.perf_counter()
    with (root / "run.out").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        with PeakRss(process.pid) as rss:
            returncode = process.wait()
    elapsed = time.perf_counter() - began
    if returncode != 0:
        raise RuntimeError(f"the scheduled build failed, see {root / 'run.out'}")
    return elapsed, rss.peak, json.loads((root / "logs" / "last_run.json").read_text())


def dbt_execution_seconds(target: Path) -> dict[str, float]:
    """dbt's execution seconds summed per resource type (model, test) of a build."""
    totals: dict[str, float] = {}
    for node in json.loads((target / "run_results.json").read_text())["results"]:
        kind = node["unique_id"].split(".")[0]
        totals[kind] = round(totals.get(kind, 0.0) + float(node.get("execution_time") or 0), 2)
    return totals


def generate(raw: Path, customers: int, reuse: bool) -> None:
    if reuse and (raw / "customers.parquet").exists():
        return
    shutil.rmtree(raw, ignore_errors=True)
    command = [sys.executable, "-m", "tools.generate_data", "--out", str(raw)]
    command += ["--customers", str(customers), "--format", "parquet"]
    subprocess.run(command, cwd=PROJECT_DIR, check=True)


def raw_row_counts(raw: Path) -> dict[str, int]:
    with duckdb.connect() as con:
        return {
            path.stem: int(con.execute(f"select count(*) from '{path}'").fetchone()[0])
            for path in sorted(raw.glob("*.parquet"))
        }


def slowest_models(target: Path, top: int = 8) -> list[tuple[str, float]]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    timed = [(r["unique_id"].split(".")[-1], round(r["execution_time"], 2)) for r in results]
    return sorted(timed, key=lambda item: -item[1])[:top]


def profile_default(variable: str) -> str:
    """The default profiles.yml gives env ``variable`` (`env_var('<variable>', '<default>')`), so
    the floor runs with the builds' own settings."""
    text = (PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    found = re.search(rf"env_var\('{variable}', '([^']*)'\)", text)
    if found is None:
        raise RuntimeError(f"profiles.yml gives {variable} no default")
    return found.group(1)


def duckdb_settings() -> dict[str, str]:
    threads = os.environ.get("CS_DUCKDB_THREADS", profile_default("CS_DUCKDB_THREADS"))
    memory = os.environ.get("CS_DUCKDB_MEMORY_LIMIT", profile_default("CS_DUCKDB_MEMORY_LIMIT"))
    if not threads.isdigit() or not re.fullmatch(r"[0-9.]+\s*([KMGT]i?B|%)", memory):
        raise ValueError("CS_DUCKDB_THREADS must be a number, CS_DUCKDB_MEMORY_LIMIT 16GB or 60%")
    return {"threads": threads, "memory_limit": memory}


def model_order(manifest: dict) -> list[dict]:
    """The enabled models in dependency order (parents first)."""
    models = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("enabled", True)
    }
    order: list[dict] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen:
            return
        seen.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            if parent in models:
                visit(parent)
        order.append(models[uid])

    for uid in sorted(models):
        visit(uid)
    return order


def floor(raw_views: list[str], warehouse_name: str, target: Path, work: Path) -> float:
    """Seconds to run every compiled model directly in one DuckDB connection."""
    manifest = json.loads((target / "manifest.json").read_text())
    floor_dir = work / "floor"
    shutil.rmtree(floor_dir, ignore_errors=True)
    floor_dir.mkdir(parents=True)
    warehouse = floor_dir / warehouse_name  # same file name = same database name
    settings = duckdb_settings()
    temp = work / "duckdb_tmp_floor"
    statements: list[str] = []
    for node in model_order(manifest):
        compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
        sql = compiled.read_text()
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        relation = f'"{node["schema"]}"."{node["alias"]}"'
        statements.append(f'create schema if not exists "{node["schema"]}"')
        statements.append(f"create or replace {kind} {relation} as (\n{sql}\n)")
    began = time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"set threads = {settings['threads']}")
        con.execute(f"set memory_limit = '{settings['memory_limit']}'")
        con.execute(f"set temp_directory = '{temp}'")
        con.execute("set preserve_insertion_order = false")
        con.execute("create schema if not exists raw")
        for view in raw_views:
            con.execute(view)
        # the validators' post-hooks write these (macros/raw/rejected_lines.sql); Parquet reads
        # reject no line, so they are empty
        for source in manifest["sources"].values():
            con.execute(
                f'create or replace table raw."{source["identifier"]}__rejected_lines" '
                "(source_table varchar, line_number bigint, reason varchar, raw_line varchar)"
            )
        for statement in statements:
            con.execute(statement)
    return time.perf_counter() - began


def save(entry: SizeResult) -> None:
    """Merge one size's (possibly partial) figures into benchmarks.json and rewrite the report."""
    results = load_results()
    results["machine"] = machine()
    results["sizes"][str(entry.customers)] = asdict(entry)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_report(results)


def bench_size(
    customers: int, work_root: Path, reuse: bool, with_floor: bool, with_scheduled: bool = True
) -> SizeResult:
    work = work_root / f"c{customers}"
    raw = work / "raw"
    print(f"== {customers:,d} customers: generating", file=sys.stderr, flush=True)
    generate(raw, customers, reuse)
    counts = raw_row_counts(raw)
    warehouse = work / "full" / "wh.duckdb"
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    target = work / "target_full"
    shutil.rmtree(target, ignore_errors=True)
    env = dbt_env(work, raw, warehouse, target)
    load = os.getloadavg()
    result = SizeResult(customers, counts, 0.0, 0, None, None, None)
    # A scheduled build starts from a parsed project: `make run` parses it before Dagster loads,
    # and dagster-dbt copies target/partial_parse.msgpack into each run's target directory. So
    # the project is parsed first (timed on its own), and the builds parse only partially.
    print(f"== {customers:,d}: dbt parse", file=sys.stderr, flush=True)
    parse_seconds, _ = timed_dbt(["parse"], env, work / "parse.log")
    result.parse_seconds = round(parse_seconds, 1)
    print(f"== {customers:,d}: full build", file=sys.stderr, flush=True)
    full_seconds, peak = timed_dbt(["run"], env, work / "full.log")
    result.full_seconds, result.peak_rss_bytes = round(full_seconds, 1), peak
    result.slowest_models = slowest_models(target)
    result.measured_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result.load_average = tuple(round(x, 1) for x in load)
    settings = duckdb_settings()
    result.duckdb_settings = f"{settings['threads']} threads, {settings['memory_limit']}"
    save(result)
    if with_scheduled:
        print(f"== {customers:,d}: scheduled build", file=sys.stderr, flush=True)
        seconds, peak, run = scheduled_build(work, raw, target)
        result.scheduled_seconds, result.scheduled_peak_rss_bytes = round(seconds, 1), peak
        result.scheduled_steps = run["steps"]
        result.scheduled_dbt_execution = dbt_execution_seconds(Path(run["dbt_target"]))
        save(result)
    print(f"== {customers:,d}: appending a day, incremental build", file=sys.stderr, flush=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        raw_views = [
            row[0]
            for row in con.execute(
                "select sql from duckdb_views() where schema_name = 'raw' and not internal"
            ).fetchall()
        ]
    floor_raw = work / "raw_day_n"  # the floor builds the same data as the full build
    shutil.rmtree(floor_raw, ignore_errors=True)
    if with_floor:
        shutil.copytree(raw, floor_raw)
    subprocess.run(
        [sys.executable, "-m", "tools.generate_data", "--out", str(raw), "--append-day"],
        cwd=PROJECT_DIR,
        check=True,
    )
    inc_target = work / "target_incremental"
    shutil.rmtree(inc_target, ignore_errors=True)
    inc_target.mkdir(parents=True)
    shutil.copy2(target / "partial_parse.msgpack", inc_target / "partial_parse.msgpack")
    inc_env = dbt_env(work, raw, warehouse, inc_target)
    incremental_seconds, _ = timed_dbt(["run"], inc_env, work / "incremental.log")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        month = con.execute(
            "select recompute_from_month from intermediate.int_incremental_window_resolved"
        ).fetchone()[0]
    result.incremental_seconds = round(incremental_seconds, 1)
    result.recompute_from_month = str(month)
    result.incremental_slowest_models = slowest_models(inc_target)
    save(result)
    if with_floor:
        print(f"== {customers:,d}: floor", file=sys.stderr, flush=True)
        views = [view.replace(str(raw), str(floor_raw)) for view in raw_views]
        result.floor_seconds = round(floor(views, warehouse.name, target, work), 1)
        shutil.rmtree(floor_raw, ignore_errors=True)
        save(result)
    return result


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        if names:
            cpu = names[0].strip()
    return {
        "cores": str(psutil.cpu_count(logical=True)),
        "memory_gb": f"{psutil.virtual_memory().total / 2**30:.0f}",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "duckdb_threads": duckdb_settings()["threads"],
        "duckdb_memory_limit": duckdb_settings()["memory_limit"],
    }


def load_results() -> dict[str, dict]:
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {"machine": {}, "sizes": {}}


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f} s" if value < 120 else f"{value / 60:,.1f} min ({value:,.0f} s)"


def verdicts(entry: dict) -> list[str]:
    out = []
    customers, full = entry["customers"], entry["full_seconds"]
    if entry.get("floor_seconds"):
        ratio = full / entry["floor_seconds"]
        if customers == 100_000:
            miss = "met" if ratio <= TARGETS["floor_ratio"] else f"missed by {ratio - 1.3:.2f}×"
            out.append(f"100k full build / floor = {ratio:.2f}× (target ≤ 1.3×: {miss})")
    if customers == 1_000_000:
        limit = TARGETS["full_seconds_1m"]
        met = "met" if full < limit else f"missed by {fmt_seconds(full - limit)}"
        out.append(f"1M full build {fmt_seconds(full)} (target < 15 min: {met})")
        rss = entry["peak_rss_bytes"] / 2**30
        met = "met" if rss < TARGETS["rss_gb_1m"] else f"missed by {rss - 16:.1f} GB"
        out.append(f"1M peak RSS {rss:.1f} GB (target < 16 GB: {met})")
    scheduled = entry.get("scheduled_seconds")
    if scheduled and customers == 1_000_000:
        ratio = scheduled / full
        met = "met" if ratio <= SCHEDULED_TARGETS["ratio"] else f"missed by {ratio - 1.5:.2f}×"
        out.append(f"1M scheduled build / bare `dbt run` = {ratio:.2f}× (target ≤ 1.5×: {met})")
        limit = SCHEDULED_TARGETS["seconds_1m"]
        met = "met" if scheduled < limit else f"missed by {fmt_seconds(scheduled - limit)}"
        out.append(f"1M scheduled build {fmt_seconds(scheduled)} (target < 10 min: {met})")
        rss = (entry.get("scheduled_peak_rss_bytes") or 0) / 2**30
        met = "met" if rss < SCHEDULED_TARGETS["rss_gb_1m"] else f"missed by {rss - 12:.1f} GB"
        out.append(f"1M scheduled build peak RSS {rss:.1f} GB (target < 12 GB: {met})")
    if customers in (100_000, 1_000_000) and entry.get("incremental_seconds"):
        share = entry["incremental_seconds"] / full
        met = "met" if share < TARGETS["incremental"] else f"missed: {share / 0.05:.0f}× the target"
        out.append(f"{customers:,d} incremental = {share:.0%} of full (target < 5%: {met})")
    return out


def write_report(results: dict) -> None:
    sizes = sorted(results["sizes"].values(), key=lambda e: e["customers"])
    m = results["machine"]
    lines = [
        f"Machine: {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory_gb')} GB RAM, "
        f"{m.get('os')}; Python {m.get('python')}, DuckDB {m.get('duckdb')} (threads and",
        "memory_limit per row).",
        "The last column is the load average at the start of each full build: a row measured while",
        "other jobs shared the 2 cores (load well above 2) is noisy and pessimistic.",
        "",
        "| customers | raw rows | full build (`dbt run`) | peak RSS | floor | full / floor "
        "| 1-day incremental | incremental / full | recomputed from | `dbt parse` | DuckDB "
        "| measured | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---|",
    ]
    for e in sizes:
        raw = sum(e["raw_rows"].values())
        ratio = f"{e['full_seconds'] / e['floor_seconds']:.2f}×" if e.get("floor_seconds") else "–"
        inc = e.get("incremental_seconds")
        share = f"{inc / e['full_seconds']:.0%}" if inc else "–"
        lines.append(
            f"| {e['customers']:,d} | {raw:,d} | {fmt_seconds(e['full_seconds'])} "
            f"| {e['peak_rss_bytes'] / 2**30:.1f} GB | {fmt_seconds(e.get('floor_seconds'))} "
            f"| {ratio} | {fmt_seconds(inc)} | {share} | {e.get('recompute_from_month')} "
            f"| {fmt_seconds(e.get('parse_seconds'))} "
            f"| {e.get('duckdb_settings') or '2 threads, 16GB'} | {e['measured_at']} "
            f"| {' / '.join(str(x) for x in e['load_average'])} |"
        )
    lines += scheduled_table(sizes)
    lines += ["", "## Targets", ""]
    for e in sizes:
        lines += [f"- {v}" for v in verdicts(e)]
    lines += ["", "## Raw rows per table", ""]
    if sizes:
        tables = list(sizes[0]["raw_rows"])
        lines.append("| table | " + " | ".join(f"{e['customers']:,d}" for e in sizes) + " |")
        lines.append("|---|" + "---:|" * len(sizes))
        for table in tables:
            counts = " | ".join(f"{e['raw_rows'].get(table, 0):,d}" for e in sizes)
            lines.append(f"| {table} | {counts} |")
    builds = (("full", "slowest_models"), ("1-day incremental", "incremental_slowest_models"))
    for title, key in builds:
        lines += ["", f"## Slowest models of the {title} build (dbt execution time)", ""]
        for e in sizes:
            slow = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in e.get(key) or [])
            lines.append(f"- {e['customers']:,d}: {slow or '–'}")
    replace_generated_block(REPORT, lines)


def scheduled_table(sizes: list[dict]) -> list[str]:
    """The scheduled build (`python -m orchestration.run`) beside the bare `dbt run`."""
    if not any(e.get("scheduled_seconds") for e in sizes):
        return []
    lines = [
        "",
        "## The scheduled build end to end",
        "",
        "`python -m orchestration.run` on the same data as the bare `dbt run`: dbt build (models",
        "and every test), GX, publish, report, exports. Step times are wall times of the job's",
        "steps; *other* is the rest (start-up, loading the definitions, the summary). Models and",
        "tests: dbt's execution times summed over its threads.",
        "",
        "| customers | bare `dbt run` | scheduled build | × bare | peak RSS | "
        + " | ".join(STEPS.values())
        + " | other | dbt models / tests (summed) |",
        "|---:|---:|---:|---:|---:|" + "---:|" * len(STEPS) + "---:|---|",
    ]
    for e in sizes:
        seconds = e.get("scheduled_seconds")
        if not seconds:
            continue
        steps = e.get("scheduled_steps") or {}
        dbt = e.get("scheduled_dbt_execution") or {}
        other = seconds - sum(steps.values())
        lines.append(
            f"| {e['customers']:,d} | {fmt_seconds(e['full_seconds'])} | {fmt_seconds(seconds)} "
            f"| {seconds / e['full_seconds']:.2f}× "
            f"| {(e.get('scheduled_peak_rss_bytes') or 0) / 2**30:.1f} GB | "
            + " | ".join(fmt_seconds(steps.get(step)) for step in STEPS)
            + f" | {fmt_seconds(other)} "
            f"| {fmt_seconds(dbt.get('model'))} / {fmt_seconds(dbt.get('test'))} |"
        )
    return lines


def replace_generated_block(path: Path, lines: Sequence[str]) -> None:
    """Rewrite only the part of ``path`` between the markers; the prose around it is by hand."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BLOCK_START}\n{BLOCK_END}\n"
    if BLOCK_START not in text or BLOCK_END not in text:
        raise SystemExit(f"{path} lacks the markers {BLOCK_START} / {BLOCK_END}")
    before, _, rest = text.partition(BLOCK_START)
    _, _, after = rest.partition(BLOCK_END)
    path.write_text(before + BLOCK_START + "\n" + "\n".join(lines) + "\n" + BLOCK_END + after)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--work", type=Path, default=PROJECT_DIR / "warehouse" / "bench")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="use the raw data of a previous run as it is (with the days it appended)",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    parser.add_argument(
        "--no-scheduled", action="store_true", help="skip the scheduled build (orchestration.run)"
    )
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("--sizes must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for customers in args.sizes:
        entry = bench_size(
            customers, args.work, args.reuse_data, not args.no_floor, not args.no_scheduled
        )
        print(json.dumps(asdict(entry), indent=2), flush=True)
        for line in verdicts(asdict(entry)):
            print(line, flush=True)
    print(f"wrote {REPORT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
