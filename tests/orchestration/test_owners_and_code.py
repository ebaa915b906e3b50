"""Owners and code references: every dbt model belongs to a dbt group with an owner (models/
groups.yml), which Dagster shows as the asset's owner; every asset links to the file that defines
it, locally or in the repository (CS_CODE_REFERENCES_GIT_URL); dbt docs open on the project's
overview page. Read from the manifest of `make manifest`; nothing is built."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from orchestration.factory import build_definitions
from orchestration.settings import SettingError, Settings
from tests.dbt_runner import PROJECT_DIR, isolated_env
from tests.orchestration.harness import environment

GIT_URL = "https://github.com/example-org/customer_success"
MART_GROUPS = {"revenue", "experience", "growth", "customers"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))


def definitions(tmp_path: Path, **extra: str) -> tuple[dg.Definitions, Settings]:
    env = isolated_env(
        tmp_path,
        None,
        CS_WAREHOUSE_PATH=str(tmp_path / "customer_success.duckdb"),
        DBT_TARGET_PATH=str(PROJECT_DIR / "target"),
        **extra,
    )
    with environment(env):
        settings = Settings.from_env()
        return build_definitions(settings), settings


def references(node) -> list:
    value = node.metadata.get("dagster/code_references")
    return value.code_references if value else []


def group_emails(manifest: dict) -> dict[str, str]:
    return {group["name"]: group["owner"]["email"] for group in manifest["groups"].values()}


def test_every_model_has_a_group_with_an_owner_and_marts_have_their_domain(manifest):
    emails = group_emails(manifest)
    assert set(emails) == {"data_platform", *MART_GROUPS} and all(emails.values())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert models and all(model["group"] in emails for model in models)
    for model in models:
        folders = Path(model["original_file_path"]).parts
        if model.get("access") == "public":
            assert folders[1] == "marts" and model["group"] == folders[2], model["name"]
        else:
            assert model["group"] == "data_platform", model["name"]


def test_dbt_docs_open_on_the_project_overview(manifest):
    overview = manifest["docs"]["doc.customer_success.__overview__"]["block_contents"]
    for heading in ("## The layers", "## Where to start"):
        assert heading in overview
    for layer in ("staging", "intermediate", "marts", "audit", "semantic"):
        assert f"`models/{layer}`" in overview


def test_every_asset_has_owners_and_a_local_code_reference(tmp_path, manifest):
    defs, _ = definitions(tmp_path)
    graph = defs.resolve_asset_graph()
    emails = group_emails(manifest)
    models = {
        ("/".join([node["schema"], node["name"]])): node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    keys = graph.get_all_asset_keys()
    assert len(keys) > 60
    for key in keys:
        node = graph.get(key)
        assert node.owners, key
        (reference,) = references(node)
        assert Path(reference.file_path).is_file(), (key, reference)
        model = models.get(key.to_user_string())
        if model is not None:
            assert node.owners == [emails[model["group"]]]
            assert Path(reference.file_path) == PROJECT_DIR / model["original_file_path"]
        else:
            assert node.owners == [emails["data_platform"]], key
    mart = graph.get(dg.AssetKey(["marts", "mart_nps"]))
    assert mart.owners == [emails["experience"]]
    publish = references(graph.get(dg.AssetKey("serving_warehouse")))[0]
    assert publish.file_path.endswith("orchestration/publish.py") and publish.line_number


def test_code_references_link_to_the_repository_when_configured(tmp_path):
    defs, _ = definitions(
        tmp_path, CS_CODE_REFERENCES_GIT_URL=GIT_URL, CS_CODE_REFERENCES_GIT_BRANCH="release"
    )
    graph = defs.resolve_asset_graph()
    prefix = f"{GIT_URL}/tree/release/"
    for key in graph.get_all_asset_keys():
        (reference,) = references(graph.get(key))
        assert reference.url.startswith(prefix), (key, reference)
        path = reference.url[len(prefix) :].split("#")[0]
        assert (PROJECT_DIR / path).is_file(), (key, reference.url)
    nps = references(graph.get(dg.AssetKey(["marts", "mart_nps"])))[0]
    assert nps.url == prefix + "models/marts/experience/mart_nps.sql"


@pytest.mark.parametrize(
    "bad", ["http://github.com/a/b", "https://example.org/a/b", "https://github.com/a/b/", "x"]
)
def test_a_bad_repository_address_is_refused(tmp_path, bad):
    with (
        environment({**isolated_env(tmp_path, None), "CS_CODE_REFERENCES_GIT_URL": bad}),
        pytest.raises(SettingError, match="CS_CODE_REFERENCES_GIT_URL"),
    ):
        Settings.from_env()
