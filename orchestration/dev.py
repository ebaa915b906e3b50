"""Start the Dagster UI (`dagster dev`) on the instance `make run` writes, stoppable by PID.

    .venv/bin/python -m orchestration.dev [--port 3000] &   # then: kill <pid>

The instance is DAGSTER_HOME, by default `warehouse/dagster_home` of the project (the Makefile's
default, where `make run` records its runs, checks and publishes), so the UI shows the last build.
Its dagster.yaml gets the project's instance settings (orchestration/dagster.yaml: no telemetry,
no "Join the Dagster community" pop-up) where it does not set them itself; `make run` (run.py)
prepares its instance the same way. `dagster dev` warns that it is superseded by `dg dev` (of the
dagster-dg-cli package, which this project does not install); that warning is silenced.

A shell starts background jobs with SIGINT ignored, and `dagster dev` ignores SIGTERM: started
with `&` it cannot be stopped cleanly (its webserver, daemon and code server keep running). This
wrapper restores SIGINT for the child and turns SIGTERM (a plain `kill <pid>`) into SIGINT, on
which `dagster dev` shuts everything down; it exits with dagster's status.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from orchestration.settings import SettingError, Settings

DAGSTER_YAML_TEMPLATE = Path(__file__).with_name("dagster.yaml")
DEFAULT_DAGSTER_HOME = Path("warehouse") / "dagster_home"
SUPERSEDED_WARNING = "ignore:Function `dev_command` is superseded"


def dagster_home(environ: Mapping[str, str], project_dir: Path) -> Path:
    """DAGSTER_HOME if set, else the project's `warehouse/dagster_home`; absolute."""
    raw = environ.get("DAGSTER_HOME", "").strip()
    home = Path(raw).expanduser() if raw else DEFAULT_DAGSTER_HOME
    return (home if home.is_absolute() else project_dir / home).resolve()


def prepare_home(home: Path) -> Path:
    """Create ``home`` with a dagster.yaml holding every top-level setting of the project's
    template that the file does not set itself; returns the dagster.yaml."""
    home.mkdir(parents=True, exist_ok=True)
    config_path = home / "dagster.yaml"
    if not config_path.exists():
        shutil.copyfile(DAGSTER_YAML_TEMPLATE, config_path)
        return config_path
    text = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(text) or {}
    if not isinstance(config, dict):
        raise SettingError(f"{config_path} is not a YAML mapping")
    template = yaml.safe_load(DAGSTER_YAML_TEMPLATE.read_text(encoding="utf-8"))
    missing = {key: value for key, value in template.items() if key not in config}
    if missing:
        separator = "" if not text or text.endswith("\n") else "\n"
        config_path.write_text(
            text + separator + yaml.safe_dump(missing, sort_keys=False), encoding="utf-8"
        )
    return config_path


def dagster_dev_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-W",
        SUPERSEDED_WARNING,
        "-m",
        "dagster",
        "dev",
        "-m",
        "orchestration.definitions",
        "-h",
        host,
        "-p",
        str(port),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.dev")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    try:
        home = dagster_home(os.environ, Settings.from_env().project_dir)
        prepare_home(home)
    except (SettingError, OSError, yaml.YAMLError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Dagster UI on http://{args.host}:{args.port}, instance {home}", flush=True)

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # inherited by the child: SIGINT works again
    child = subprocess.Popen(
        dagster_dev_command(args.host, args.port), env={**os.environ, "DAGSTER_HOME": str(home)}
    )

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signal.SIGINT)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:  # pragma: no cover - forwarded above
            continue


if __name__ == "__main__":
    sys.exit(main())
