"""Letting go of the warehouse file a dbt-duckdb adapter holds in this process.

dbt-duckdb keeps a connection open per thread and one database handle per process. While they are
open, DuckDB refuses this process any other connection to the same file with another
configuration (a read-only one), and every other process any connection while the handle writes.
"""

from __future__ import annotations

import contextlib
from typing import Any


def release_dbt_duckdb(adapter: Any | None = None) -> None:
    """Close ``adapter``'s connections, if one is given, then dbt-duckdb's database handle and
    connections of this process. Never raises: releasing is best effort."""
    if adapter is not None:
        with contextlib.suppress(Exception):
            adapter.cleanup_connections()
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()
