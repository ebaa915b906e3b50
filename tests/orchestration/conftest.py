"""One generated workspace (raw data + parsed manifest) for the orchestration tests."""

from __future__ import annotations

import pytest

from tests.orchestration.harness import Workspace, make_workspace, set_scores


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """40 generated customers; one nps answer out of its 0-10 range (quarantined)."""
    workspace = make_workspace(tmp_path_factory.mktemp("pipeline"))
    set_scores(workspace.root / "raw", "11", every=1, limit=1)
    return workspace
