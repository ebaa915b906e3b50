"""Generated workspaces (raw data + parsed manifest) for the orchestration tests: one for the
session (the pipeline tests), and one per fault-injection module with its good first build."""

from __future__ import annotations

import pytest

from tests.orchestration.faults import finish, published, run_id_of, run_log, start
from tests.orchestration.harness import Workspace, make_workspace, set_scores


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """40 generated customers; one nps answer out of its 0-10 range (quarantined)."""
    workspace = make_workspace(tmp_path_factory.mktemp("pipeline"))
    set_scores(workspace.root / "raw", "11", every=1, limit=1)
    return workspace


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("faults"), customers=20)


@pytest.fixture(scope="module")
def good_build(deployment: Workspace) -> dict:
    process = start(deployment)
    finish(deployment, process)
    return {"state": published(deployment), "run": run_id_of(run_log(deployment, process))}
