"""The warehouse's Python library, free of Dagster: the raw contract, the serving file, the report
and exports, and the Great Expectations suites. `orchestration` wires it into Dagster; nothing here
imports Dagster or `orchestration` (tests/tools/test_library_boundary.py)."""
