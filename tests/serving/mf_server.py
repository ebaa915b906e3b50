"""`mf` (dbt-metricflow's CLI) answering many commands in one process, for the tests.

    python -m tests.serving.mf_server    (cwd: the project; environment: the test warehouse's)

Each line read from stdin is one command's arguments as a JSON list; each line written back is
``{"exit_code": ..., "output": ...}``. The commands run through the CLI's own click group, the
entry point of the `mf` executable, sharing one CLIConfiguration: the dbt project and the semantic
manifest are loaded once, not once per command (the start-up of an `mf` process is most of its
time on the tests' small warehouse). Between commands the warehouse file is closed, as it is when
an `mf` process ends, so other tests can open it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator

from click.testing import CliRunner
from dbt_metricflow.cli.cli_configuration import CLIConfiguration
from dbt_metricflow.cli.main import cli

from customer_success.dbt_duckdb import release_dbt_duckdb


@contextlib.contextmanager
def descriptor_output(into: list[str]) -> Iterator[None]:
    """What is written to file descriptor 1 (not through sys.stdout) goes to ``into``: parts of
    `mf` print through a stream bound to the process's stdout at import."""
    with tempfile.TemporaryFile(mode="w+b") as capture:
        sys.__stdout__.flush()
        saved = os.dup(1)
        os.dup2(capture.fileno(), 1)
        try:
            yield
        finally:
            sys.__stdout__.flush()
            os.dup2(saved, 1)
            os.close(saved)
            capture.seek(0)
            into.append(capture.read().decode("utf-8", errors="replace"))


def answer(runner: CliRunner, config: CLIConfiguration, args: list[str]) -> dict:
    printed: list[str] = []
    try:
        with descriptor_output(printed):
            result = runner.invoke(cli, args, obj=config)
    finally:
        release_dbt_duckdb(config.dbt_artifacts.adapter if config.is_setup else None)
    output = result.output + "".join(printed)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return {"exit_code": result.exit_code, "output": output}


def main() -> None:
    # the answers get a descriptor of their own; anything else printed goes to stderr
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    runner = CliRunner()
    config = CLIConfiguration()
    for line in sys.stdin:
        replies.write(json.dumps(answer(runner, config, json.loads(line))) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
