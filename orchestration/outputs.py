"""The serving outputs as Dagster assets, downstream of the publish step (`serving_warehouse`):

- `customer_success_report`: the self-contained HTML report, `Settings.report_dir/index.html`
  (CS_REPORT_DIR; default `report/` beside the serving file: warehouse/report/index.html);
- `mart_exports`: a Parquet copy of every public mart, `Settings.exports_dir/<mart>.parquet`
  (CS_EXPORTS_DIR; default `exports/` beside the serving file: warehouse/exports/).

Both read the published serving file only, never the warehouse being built, so they show exactly
what BI tools see; they run only after a successful publish. The report's build line is the
publish step's record (its materialization metadata). What they write is customer_success.report.
"""

from pathlib import Path

import dagster as dg

from customer_success.report.data import collect_report_data
from customer_success.report.exports import export_marts
from customer_success.report.page import render_page, write_atomically
from customer_success.serving import PublishRecord
from orchestration.publish import PUBLISH_GROUP, PUBLISH_KEY, last_publish
from orchestration.settings import Settings


def write_report(
    serving_path: Path, directory: Path, record: PublishRecord | None = None
) -> tuple[Path, dict]:
    data = collect_report_data(serving_path, record)
    return write_atomically(directory / "index.html", render_page(data)), data


@dg.asset(
    name="customer_success_report",
    group_name=PUBLISH_GROUP,
    deps=[PUBLISH_KEY],
    kinds={"html"},
    description=(
        "Self-contained HTML report (MRR waterfall, retention, churn, NPS, CSAT/CES, support, "
        "unit economics, health) written from the published serving file to "
        "CS_REPORT_DIR/index.html (default warehouse/report/)."
    ),
)
def customer_success_report(
    context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    record = last_publish(context.instance, settings.serving_path)
    path, data = write_report(settings.serving_path, settings.report_dir, record)
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
    name="mart_exports",
    group_name=PUBLISH_GROUP,
    deps=[PUBLISH_KEY],
    kinds={"parquet"},
    description=(
        "Parquet copy of every public mart of the published serving file, "
        "CS_EXPORTS_DIR/<mart>.parquet (default warehouse/exports/), swapped in as a whole."
    ),
)
def mart_exports(
    context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    context.log.info(f"Exporting the marts of {settings.serving_path}")
    counts = export_marts(settings.serving_path, settings.exports_dir)
    context.log.info(f"Exported {len(counts)} marts to {settings.exports_dir}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.exports_dir)),
            "row_counts": dg.MetadataValue.json(counts),
        }
    )


SERVING_OUTPUT_ASSETS = [customer_success_report, mart_exports]
