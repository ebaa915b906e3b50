"""One small built warehouse for the serving tests (semantic layer, report, exports).

Generated raw data (30 customers) is built once with `dbt run` into a temporary directory (the
models' data tests run in the other suites), then its serving layer is written to a serving file
by the publish step's own function. Nothing touches the repository's warehouse/.

MetricFlow (`mf`) always reads the semantic manifest from `<project>/target/` (written by `make
manifest`), where relations are named after the default warehouse file, database
`customer_success`; so the test warehouse has that file name too, in its own directory.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from customer_success.manifest import Node, model_nodes
from customer_success.serving import serving_layer, write_serving_file
from tests.dbt_runner import generate_data, isolated_env, run_dbt
from tests.serving.metricflow import MetricFlow


@dataclass(frozen=True)
class ServingWorkspace:
    root: Path
    env: dict[str, str]

    @property
    def warehouse(self) -> Path:
        return Path(self.env["CS_WAREHOUSE_PATH"])

    @property
    def serving(self) -> Path:
        return Path(self.env["CS_SERVING_PATH"])

    @property
    def models(self) -> dict[str, Node]:
        """The models of the manifest this warehouse was built with."""
        manifest = Path(self.env["DBT_TARGET_PATH"]) / "manifest.json"
        return model_nodes(json.loads(manifest.read_text(encoding="utf-8")))

    def holding_warehouse(self) -> FileLock:
        """Held by each test process while it opens the warehouse file: `mf` opens it for writing
        (dbt-duckdb's connection), and DuckDB then refuses it to every other process."""
        return FileLock(str(self.root / "warehouse.lock"))

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        connection = duckdb.connect(str(self.serving), read_only=True)
        try:
            return connection.execute(sql, params or []).fetchall()
        finally:
            connection.close()


def build_workspace(root: Path) -> ServingWorkspace:
    raw = root / "raw"
    env = isolated_env(root, raw, CS_WAREHOUSE_PATH=str(root / "customer_success.duckdb"))
    workspace = ServingWorkspace(root, env)
    if not (root / "built").exists():
        generate_data(raw, customers=30, seed=5)
        built = run_dbt(["run", "--quiet"], env)
        assert built.returncode == 0, built.output
        write_serving_file(workspace.warehouse, workspace.serving, serving_layer(workspace.models))
        (root / "built").touch()
    return workspace


@pytest.fixture(scope="session")
def serving_workspace(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ServingWorkspace:
    """Built once per test session, also under pytest-xdist: the workers share the build through
    the session's common temporary directory, one at a time (a file lock)."""
    if worker_id == "master":
        return build_workspace(tmp_path_factory.mktemp("serving"))
    root = tmp_path_factory.getbasetemp().parent / "serving"
    root.mkdir(exist_ok=True)
    with FileLock(str(root) + ".lock"):
        return build_workspace(root)


@pytest.fixture(scope="session")
def metricflow(serving_workspace: ServingWorkspace) -> Iterator[MetricFlow]:
    """One `mf` process for the session's semantic-layer tests (loads the project once)."""
    scratch = Path(tempfile.mkdtemp(prefix="mf_", dir=serving_workspace.root))
    client = MetricFlow(serving_workspace.env, scratch, serving_workspace.holding_warehouse())
    yield client
    client.close()
