"""Great Expectations suites as code (suites.py) and their validation (runner.py), with the
thresholds they read; orchestration/gx_checks.py runs each suite as a blocking Dagster asset check
(see docs/orchestration.md)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds of the Great Expectations suites (volume, freshness, drift)."""

    volume_max_drop: float = 0.5
    volume_max_growth: float = 1.0
    freshness_min_lag_days: int = 3
    freshness_gap_factor: float = 3.0
    freshness_window_days: int = 90
    drift_max_change: float = 0.1
    # freshness of the published marts (orchestration/freshness.py)
    publish_max_age_hours: float = 26.0
