"""The generated samples the generator's tests share (small: 60 customers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.tools.generated import connect, run_generator


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_generator(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Several chunks: ids, referrals and references must work across chunk borders."""
    return run_generator(tmp_path_factory.mktemp("chunked"), "--chunk-size", "17")


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_generator(tmp_path_factory.mktemp("bad"), "--inject-bad-rows")


@pytest.fixture(scope="module")
def db(clean: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(clean)
    yield con
    con.close()
