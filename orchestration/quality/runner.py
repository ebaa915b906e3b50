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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.quality.suites import Baseline, Loaded, Suite, SuiteContext
from orchestration.settings import QualitySettings

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

    @property
    def blocks_publishing(self) -> bool:
        return self.status in (FAILED, ERRORED)


def describe_exception(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def load_frames(
    warehouse_path: Path,
    suites: Sequence[Suite],
    relations: Mapping[str, tuple[str, str]],
    quality: QualitySettings,
    baseline: Baseline | None,
    published: Path,
) -> dict[str, Loaded | BaseException]:
    """Every suite's frame, read in one read-only connection. Errors are kept per suite."""
    if not warehouse_path.exists():
        raise FileNotFoundError(f"warehouse file {warehouse_path} does not exist (nothing built)")
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    loaded: dict[str, Loaded | BaseException] = {}
    try:
        context = SuiteContext(connection, relations, quality, baseline, published)
        for suite in suites:
            try:
                loaded[suite.name] = suite.load(context)
            except Exception as err:  # becomes the suite's error
                loaded[suite.name] = err
    finally:
        connection.close()
    return loaded


def _gx_context(data_docs_dir: Path | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx  # GX is heavy: imported only to validate
    from great_expectations.data_context.types.base import (
        ProgressBarsConfig,
    )

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


def _raised(exception_info: Any) -> str | None:
    """The exception message GX recorded for an expectation, if it raised."""
    if not isinstance(exception_info, Mapping):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "exception")
    for value in exception_info.values():
        if isinstance(value, Mapping) and value.get("raised_exception"):
            return str(value.get("exception_message") or "exception")
    return None


def _describe_result(result: Any) -> str:
    config = result.expectation_config
    kwargs = {
        key: value
        for key, value in config.kwargs.items()
        if key not in ("batch_id", "value_set") and value is not None
    }
    if "value_set" in config.kwargs:
        kwargs["value_set"] = f"<{len(config.kwargs['value_set'] or [])} values>"
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
    return SuiteOutcome(
        suite=suite,
        status=status,
        summary=summary,
        failures=[*errors, *failures, *(f"[warn] {item}" for item in warnings)],
        evaluated=evaluated,
        succeeded=succeeded,
        notes=notes,
    )


def validate(
    suites: Sequence[Suite],
    loaded: Mapping[str, Loaded | BaseException],
    quality: QualitySettings,
    data_docs_dir: Path | None = None,
    run_name: str | None = None,
) -> list[SuiteOutcome]:
    """Validate each suite's frame with GX; build the Data Docs when a directory is given."""
    outcomes: dict[str, SuiteOutcome] = {}
    to_validate: list[tuple[Suite, Loaded]] = []
    for suite in suites:
        item = loaded.get(suite.name)
        if isinstance(item, tuple):
            to_validate.append((suite, item))
        else:
            reason = describe_exception(item) if item else "no data was loaded"
            outcomes[suite.name] = SuiteOutcome(suite, ERRORED, f"could not read data: {reason}")

    staging_docs = None
    if to_validate:
        try:
            if data_docs_dir is not None:
                staging_docs = data_docs_dir.with_name(f".{data_docs_dir.name}.building")
                shutil.rmtree(staging_docs, ignore_errors=True)
            context = _gx_context(staging_docs)
            from great_expectations import ExpectationSuite, ValidationDefinition
            from great_expectations.core.run_identifier import RunIdentifier

            run_id = RunIdentifier(run_name=run_name) if run_name else None
            source = context.data_sources.add_pandas("warehouse")
        except Exception as err:  # GX unusable: every suite is an error
            reason = describe_exception(err)
            for suite, _ in to_validate:
                outcomes[suite.name] = SuiteOutcome(suite, ERRORED, f"GX failed to start: {reason}")
            to_validate = []

        for suite, (frame, notes) in to_validate:
            try:
                batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe(
                    "whole_table"
                )
                expectation_suite = context.suites.add(
                    ExpectationSuite(name=suite.name, expectations=suite.expectations(quality))
                )
                definition = context.validation_definitions.add(
                    ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite)
                )
                validation = definition.run(batch_parameters={"dataframe": frame}, run_id=run_id)
                outcomes[suite.name] = _outcome_from_validation(suite, notes, validation)
            except Exception as err:  # a GX exception is an error, never a pass
                outcomes[suite.name] = SuiteOutcome(
                    suite,
                    ERRORED,
                    f"GX raised: {describe_exception(err)}",
                    failures=[traceback.format_exc(limit=3)],
                    notes=notes,
                )
        if staging_docs is not None and data_docs_dir is not None and to_validate:
            _build_docs(context, staging_docs, data_docs_dir, outcomes.values())
    return [outcomes[suite.name] for suite in suites]


def _build_docs(
    context: Any, staging: Path, target: Path, outcomes: Iterable[SuiteOutcome]
) -> None:
    """Build the Data Docs beside ``target`` and swap them in; never fails the checks."""
    try:
        context.build_data_docs()
        retired = target.with_name(f".{target.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    except Exception as err:
        for outcome in outcomes:
            outcome.notes = (*outcome.notes, f"Data Docs not built: {describe_exception(err)}")


def run_suites(
    warehouse_path: Path,
    suites: Sequence[Suite],
    relations: Mapping[str, tuple[str, str]],
    quality: QualitySettings,
    baseline: Baseline | None,
    published: Path,
    data_docs_dir: Path | None = None,
    run_name: str | None = None,
) -> list[SuiteOutcome]:
    """Load (read-only) and validate ``suites``; one outcome per suite, in order."""
    try:
        loaded = load_frames(warehouse_path, suites, relations, quality, baseline, published)
    except Exception as err:  # the warehouse could not be read at all
        reason = describe_exception(err)
        return [SuiteOutcome(s, ERRORED, f"could not read the warehouse: {reason}") for s in suites]
    return validate(suites, loaded, quality, data_docs_dir, run_name)
