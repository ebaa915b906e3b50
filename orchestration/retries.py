"""Which failures are transient (worth retrying) and which are not.

Only a DuckDB file lock is transient: another process (a second build, a notebook, a BI tool
pointed at the warehouse instead of the serving file) holds the warehouse file. A failed check, a
quarantine share above the limit, a SQL error or bad raw data fail the same way every time and are
never retried.
"""

from __future__ import annotations

import re

_TRANSIENT = re.compile(
    r"could not set lock on file|conflicting lock is held|database is locked"
    r"|resource temporarily unavailable",
    re.IGNORECASE,
)


def is_transient_failure(message: str | None) -> bool:
    """True when ``message`` describes a locked database file."""
    return bool(message) and bool(_TRANSIENT.search(message or ""))
