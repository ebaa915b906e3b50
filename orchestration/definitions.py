"""`dagster dev -m orchestration.definitions` and `dagster asset materialize -m
orchestration.definitions` load `defs` from here. The dbt manifest must exist first
(`make manifest`); see docs/orchestration.md."""

from orchestration.factory import build_definitions

defs = build_definitions()
