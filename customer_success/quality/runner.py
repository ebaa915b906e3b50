"""Run the suites: load each suite's small frame from the warehouse (read-only, closed right
after), validate it with Great Expectations' pandas data source, build the Data Docs, and say for
each suite what happened.

GX's SQL data source does not work on DuckDB (GX 1.24: every metric fails with `list index out of
range`), so the suites aggregate in DuckDB and hand GX the result as a dataframe. Any exception, in
the loading or inside GX, makes the suite an ERROR: never a pass.
"""

from __future__ import annotations

import os
import shutil
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from customer_success.quality import QualitySettings
from customer_success.quality.suites import Loaded, Suite, SuiteContext
from customer_success.serving import PublishRecord

PASSED = "passed"
FAILED = "failed"  # an error expectation failed: blocks publishing
WARNED = "warned"  # only warn expectations failed: published, with a warning
ERRORED = "error"  # the suite could not be evaluated (loading or GX raised): blocks publishing


@dataclass
class SuiteOutcome:
    suite: Suite
    status: str
    summary: str
    failures: list[str] = field(default_factory=list)
    evaluated: int = 0
    succeeded: int = 0
    notes: tuple[str, ...] = ()


def describe_exception(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def load_frames(
    warehouse_path: Path, suites: Sequence[Suite], context: Callable[..., SuiteContext]
) -> dict[str, Loaded | BaseException]:
    """Every suite's frame, read in one read-only connection (``context(connection=...)`` is
    what the suites see). Errors are kept per suite."""
    if not warehouse_path.exists():
        raise FileNotFoundError(f"warehouse file {warehouse_path} does not exist (nothing built)")
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    loaded: dict[str, Loaded | BaseException] = {}
    try:
        suite_context = context(connection=connection)
        for suite in suites:
            try:
                loaded[suite.name] = suite.load(suite_context)
            except Exception as err:  # becomes the suite's error
                loaded[suite.name] = err
    finally:
        connection.close()
    return loaded


def _gx_context(data_docs_dir: Path | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx  # GX is heavy: imported only to validate
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        context.add_data_docs_site(
            site_name="customer_success",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _raised(info: Any) -> str | None:
    """The message of an exception GX recorded for an expectation (flat or keyed by metric)."""
    for record in (info, *(info.values() if isinstance(info, Mapping) else ())):
        if isinstance(record, Mapping) and record.get("raised_exception"):
            return str(record.get("exception_message") or "exception")
    return None


def _describe_result(result: Any) -> str:
    config = result.expectation_config
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    details = result.result or {}
    observed = ""
    if "unexpected_count" in details:
        sample = details.get("partial_unexpected_list") or []
        observed = f" -> {details['unexpected_count']} unexpected, e.g. {sample[:3]}"
    elif "observed_value" in details:
        observed = f" -> observed {details['observed_value']}"
    return f"{config.type}({kwargs}){observed}"


def _outcome_from_validation(suite: Suite, notes: tuple[str, ...], validation: Any) -> SuiteOutcome:
    errors: list[str] = []
    failures: list[str] = []
    warnings: list[str] = []
    for result in validation.results:
        raised = _raised(result.exception_info)
        if raised is not None:
            errors.append(f"{result.expectation_config.type} raised: {raised}")
        elif not result.success:
            severity = (result.expectation_config.meta or {}).get("severity", "error")
            (warnings if severity == "warn" else failures).append(_describe_result(result))
    evaluated = len(validation.results)
    succeeded = evaluated - len(errors) - len(failures) - len(warnings)
    counts = f"{succeeded}/{evaluated} expectations met"
    if errors:
        status, summary = ERRORED, f"GX raised while validating ({counts}): {errors[0]}"
    elif failures:
        status, summary = FAILED, f"{len(failures)} error expectation(s) failed ({counts})"
    elif warnings:
        status, summary = WARNED, f"{len(warnings)} warning expectation(s) failed ({counts})"
    else:
        status, summary = PASSED, counts
    failed = [*errors, *failures, *(f"[warn] {item}" for item in warnings)]
    return SuiteOutcome(suite, status, summary, failed, evaluated, succeeded, notes)


def _validate(
    gx_context: Any, suite: Suite, loaded: Loaded, quality: QualitySettings, run_id: Any
) -> SuiteOutcome:
    from great_expectations import ExpectationSuite, ValidationDefinition

    frame, notes = loaded
    try:
        batch = (
            gx_context.data_sources.add_pandas(suite.name)
            .add_dataframe_asset(suite.name)
            .add_batch_definition_whole_dataframe("whole_table")
        )
        expectations = ExpectationSuite(name=suite.name, expectations=suite.expectations(quality))
        definition = gx_context.validation_definitions.add(
            ValidationDefinition(
                name=suite.name, data=batch, suite=gx_context.suites.add(expectations)
            )
        )
        validation = definition.run(batch_parameters={"dataframe": frame}, run_id=run_id)
        return _outcome_from_validation(suite, notes, validation)
    except Exception as err:  # a GX exception is an error, never a pass
        summary = f"GX raised: {describe_exception(err)}"
        return SuiteOutcome(suite, ERRORED, summary, [traceback.format_exc(limit=3)], notes=notes)


def _swap_in_docs(staging: Path, target: Path) -> None:
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def run_suites(
    warehouse_path: Path,
    suites: Sequence[Suite],
    relations: Mapping[str, tuple[str, str]],
    quality: QualitySettings,
    baseline: PublishRecord | None,
    published: Path,
    data_docs_dir: Path | None = None,
    run_name: str | None = None,
) -> list[SuiteOutcome]:
    """Load (read-only) and validate ``suites``; one outcome per suite, in order. The Data Docs
    are built beside ``data_docs_dir`` and swapped in; failing to build them never fails a
    check (the outcomes say so)."""
    staging = data_docs_dir.with_name(f".{data_docs_dir.name}.building") if data_docs_dir else None
    try:
        context = partial(
            SuiteContext,
            relations=relations,
            quality=quality,
            baseline=baseline,
            published=published,
        )
        loaded = load_frames(warehouse_path, suites, context)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        gx_context = _gx_context(staging)
        from great_expectations.core.run_identifier import RunIdentifier
    except Exception as err:  # the warehouse cannot be read, or GX cannot start
        reason = describe_exception(err)
        return [SuiteOutcome(suite, ERRORED, f"could not run: {reason}") for suite in suites]
    run_id = RunIdentifier(run_name=run_name) if run_name else None
    outcomes = []
    for suite in suites:
        item = loaded[suite.name]
        if isinstance(item, BaseException):
            reason = describe_exception(item)
            outcomes.append(SuiteOutcome(suite, ERRORED, f"could not read data: {reason}"))
        else:
            outcomes.append(_validate(gx_context, suite, item, quality, run_id))
    if staging is not None and data_docs_dir is not None:
        try:
            gx_context.build_data_docs()
            _swap_in_docs(staging, data_docs_dir)
        except Exception as err:
            for outcome in outcomes:
                outcome.notes = (*outcome.notes, f"Data Docs not built: {describe_exception(err)}")
    return outcomes
