"""Great Expectations suites as code, run as Dagster asset checks (see docs/orchestration.md)."""
