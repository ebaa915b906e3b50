"""How dbt resources become Dagster assets: the group is the layer, read from the folder.

A dbt source (the raw files the on-run-start loader exposes as views `raw.<table>`) is in group
`raw`; a model is in the group of the first folder under `models/` (`staging`, `intermediate`,
`marts`, `audit`, `semantic`). There is no per-model rule: a new model lands in its layer's group
by where it lives.

Owners come from dbt: each model's dbt group (models/groups.yml, assigned per folder in
dbt_project.yml) has an owner, whose email dagster-dbt makes the asset's owner; the assets that
are not dbt models (the raw sources, the publish, the report, the exports) belong to the dbt group
PLATFORM_GROUP. Every asset carries a code reference to the file that defines it (the model's
SQL, the sources' YAML, the Python function), linked to the repository when
CS_CODE_REFERENCES_GIT_URL is set.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from customer_success.manifest import check_description, group_for_path
from orchestration.settings import Settings

RAW_GROUP = "raw"
PLATFORM_GROUP = "data_platform"


class CustomerSuccessTranslator(DagsterDbtTranslator):
    """Groups by layer; checks carry the dbt test descriptions; code references to the models'
    files and owners from their dbt groups; the rest as dagster-dbt does it."""

    def __init__(self, settings: DagsterDbtTranslatorSettings | None = None) -> None:
        super().__init__(settings or DagsterDbtTranslatorSettings(enable_code_references=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return RAW_GROUP
        return group_for_path(dbt_resource_props.get("original_file_path") or "")

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return spec._replace(description=check_description(manifest, unique_id))


@contextlib.contextmanager
def beta_code_references() -> Iterator[None]:
    """Dagster's code references are a beta API, stable since 1.7; dagster-dbt uses them without
    a warning, and so do we (a BetaWarning per asset otherwise)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        yield


def code_reference(path: Path) -> dict[str, dg.CodeReferencesMetadataValue]:
    """Asset metadata pointing at a local file, as dagster-dbt writes it for a model."""
    with beta_code_references():
        reference = dg.LocalFileCodeReference(file_path=str(path))
        value = dg.CodeReferencesMetadataValue(code_references=[reference])
    return {"dagster/code_references": value}


def owned_raw_sources(
    specs: Sequence[dg.AssetSpec],
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
    owners: Sequence[str],
    project_dir: Path,
) -> list[dg.AssetSpec]:
    """The raw sources with ``owners`` and a code reference to the YAML that declares them."""
    files = {
        translator.get_asset_key(source): source["original_file_path"]
        for source in manifest.get("sources", {}).values()
    }
    return [
        spec.replace_attributes(owners=list(owners)).merge_attributes(
            metadata=code_reference((project_dir / files[spec.key]).resolve())
        )
        for spec in specs
    ]


def owned_python_assets(
    assets: Sequence[dg.AssetsDefinition], owners: Sequence[str]
) -> list[dg.AssetsDefinition]:
    """The Python assets with ``owners`` and a code reference to their function."""
    with beta_code_references():
        referenced = dg.with_source_code_references(assets)
    return [
        asset.map_asset_specs(lambda spec: spec.replace_attributes(owners=list(owners)))
        for asset in referenced
    ]


def link_code_references(assets: Sequence[Any], settings: Settings) -> list[Any]:
    """The local code references turned into links to the repository when
    CS_CODE_REFERENCES_GIT_URL is set (the project directory is the repository root)."""
    if settings.code_references_git_url is None:
        return list(assets)
    with beta_code_references():
        mapping = dg.AnchorBasedFilePathMapping(
            local_file_anchor=settings.project_dir / "dbt_project.yml",
            file_anchor_path_in_repository="dbt_project.yml",
        )
        # Dagster converts the references of assets definitions only; a spec is converted
        # through a throw-away definition of it.
        return [
            dg.link_code_references_to_git(
                [dg.AssetsDefinition(specs=[asset]) if isinstance(asset, dg.AssetSpec) else asset],
                git_url=settings.code_references_git_url,
                git_branch=settings.code_references_git_branch,
                file_path_mapping=mapping,
            )[0]
            for asset in assets
        ]
