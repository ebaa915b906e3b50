"""The quarantine of a build as a few lines of text (the summary of `make run`): per raw table the
rows read, kept, quarantined and collapsed as duplicates (audit.row_reconciliation), then the
reasons rows were set aside (audit.quarantined_rows)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

MAX_REASONS = 12  # the summary fits one screen


def _print_table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> None:
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        print("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)))


def print_quarantine(warehouse: Path) -> None:
    print("\nQuarantine (audit.row_reconciliation):")
    try:
        connection = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as err:
        print(f"  (cannot read the warehouse: {err})")
        return
    try:
        rows = connection.execute(
            "select source_table, rows_read, rows_kept, rows_quarantined, duplicates_removed "
            "from audit.row_reconciliation order by source_table"
        ).fetchall()
        _print_table(rows, ["table", "read", "kept", "quarantined", "duplicates"])
        reasons = connection.execute(
            "select source_table, reason, count(*) as n from audit.quarantined_rows "
            "group by source_table, reason order by source_table, n desc, reason"
        ).fetchall()
        print("  reasons:" if reasons else "  no row quarantined")
        for table, reason, count in reasons[:MAX_REASONS]:
            print(f"    {table}: {count} x {reason}")
        if len(reasons) > MAX_REASONS:
            print(f"    ... {len(reasons) - MAX_REASONS} more reasons in audit.quarantined_rows")
    except duckdb.Error as err:
        print(f"  (not available: {err})")
    finally:
        connection.close()
