"""tools/bench.py's report: the scheduled build beside the bare `dbt run`, and its targets."""

from __future__ import annotations

from tools import bench

ENTRY = {
    "customers": 1_000_000,
    "raw_rows": {"customers": 1_000_000},
    "full_seconds": 300.0,
    "peak_rss_bytes": 15 * 2**30,
    "scheduled_seconds": 480.0,
    "scheduled_peak_rss_bytes": 13 * 2**30,
    "scheduled_steps": {"dbt_build": 400.0, "gx_quality": 20.0, "serving_warehouse": 30.0},
    "scheduled_dbt_execution": {"model": 500.0, "test": 250.0},
}


def test_scheduled_targets_are_judged_at_1m():
    verdicts = bench.verdicts(ENTRY)
    assert (
        "1M scheduled build / bare `dbt run` = 1.60× (target ≤ 1.5×: missed by 0.10×)" in verdicts
    )
    assert "1M scheduled build 8.0 min (480 s) (target < 10 min: met)" in verdicts
    assert "1M scheduled build peak RSS 13.0 GB (target < 12 GB: missed by 1.0 GB)" in verdicts


def test_the_scheduled_table_shows_each_step_and_the_rest():
    lines = bench.scheduled_table([ENTRY, {**ENTRY, "customers": 10, "scheduled_seconds": None}])
    (row,) = [line for line in lines if line.startswith("| 1,000,000")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:5] == ["5.0 min (300 s)", "8.0 min (480 s)", "1.60×", "13.0 GB"]
    assert cells[5:11] == ["6.7 min (400 s)", "20.0 s", "30.0 s", "–", "–", "30.0 s"]
    assert cells[11] == "8.3 min (500 s) / 4.2 min (250 s)"


def test_sizes_measured_before_the_scheduled_build_keep_their_report():
    old = {k: v for k, v in ENTRY.items() if not k.startswith("scheduled")}
    assert bench.scheduled_table([old]) == []
    assert not any("scheduled" in line for line in bench.verdicts(old))
