"""The serving outputs as Dagster assets, downstream of the publish step (`serving_warehouse`):

- `customer_success_report`: the self-contained HTML report, CS_REPORT_DIR/index.html
  (default `report/` beside the serving file: warehouse/report/index.html);
- `mart_exports`: a Parquet copy of every public mart, CS_EXPORTS_DIR/<mart>.parquet
  (default `exports/` beside the serving file: warehouse/exports/).

Both read the published serving file only, never the warehouse being built, so they show exactly
what BI tools see; they run only after a successful publish.
"""

import os
from pathlib import Path

import dagster as dg

from orchestration.publish import PUBLISH_ASSET_NAME, PUBLISH_GROUP
from orchestration.report.data import collect_report_data
from orchestration.report.exports import export_marts
from orchestration.report.page import render_page, write_atomically
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings

REPORT_ASSET_NAME = "customer_success_report"
EXPORTS_ASSET_NAME = "mart_exports"


def _directory(variable: str, default_name: str, settings: Settings) -> Path:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return settings.serving_path.parent / default_name
    path = Path(raw).expanduser()
    return path if path.is_absolute() else settings.project_dir / path


def report_dir(settings: Settings) -> Path:
    return _directory("CS_REPORT_DIR", "report", settings)


def exports_dir(settings: Settings) -> Path:
    return _directory("CS_EXPORTS_DIR", "exports", settings)


def write_report(serving_path: Path, directory: Path) -> tuple[Path, dict]:
    data = collect_report_data(serving_path)
    return write_atomically(directory / "index.html", render_page(data)), data


@dg.asset(
    name=REPORT_ASSET_NAME,
    group_name=PUBLISH_GROUP,
    deps=[dg.AssetKey(PUBLISH_ASSET_NAME)],
    kinds={"html"},
    description=(
        "Self-contained HTML report (MRR waterfall, retention, churn, NPS, CSAT/CES, support, "
        "unit economics, health) written from the published serving file to "
        "CS_REPORT_DIR/index.html (default warehouse/report/)."
    ),
)
def customer_success_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = warehouse.settings()
    path, data = write_report(settings.serving_path, report_dir(settings))
    context.log.info(f"Report written to {path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "months": len(data["months"]),
            "as_of_date": str(data["build"].get("as_of_date") or ""),
            "red_accounts_latest_month": len(data["red_accounts"]),
            "size_bytes": path.stat().st_size,
        }
    )


@dg.asset(
    name=EXPORTS_ASSET_NAME,
    group_name=PUBLISH_GROUP,
    deps=[dg.AssetKey(PUBLISH_ASSET_NAME)],
    kinds={"parquet"},
    description=(
        "Parquet copy of every public mart of the published serving file, "
        "CS_EXPORTS_DIR/<mart>.parquet (default warehouse/exports/), swapped in as a whole."
    ),
)
def mart_exports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = warehouse.settings()
    directory = exports_dir(settings)
    counts = export_marts(settings.serving_path, directory)
    context.log.info(f"Exported {len(counts)} marts to {directory}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(directory)),
            "row_counts": dg.MetadataValue.json(counts),
        }
    )


SERVING_OUTPUT_ASSETS = [customer_success_report, mart_exports]
