"""The self-contained HTML report (warehouse/report/index.html) and the Parquet exports of the
public marts, both written from the published serving file (see docs/serving.md)."""
