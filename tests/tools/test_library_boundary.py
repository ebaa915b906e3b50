"""`customer_success` is the library; `orchestration` wires it into Dagster. The library never
imports Dagster (dagster, dagster_dbt, ...) nor `orchestration`, so that the data generator, the
docs tools and the tests can use it without the orchestrator. Each probe imports every module of a
package in a fresh interpreter and lists what ended up in sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [package.__name__] + [
    info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
]
for name in names:
    importlib.import_module(name)
leaked = sorted(
    name for name in sys.modules
    if name.split(".")[0].startswith("dagster") or name.split(".")[0] == "orchestration"
)
print(json.dumps({"modules": names, "leaked": leaked}))
"""


def probe(package: str, cwd: Path) -> dict[str, list[str]]:
    """Every module of ``package`` imported in a fresh interpreter started in ``cwd``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, package],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_library_imports_neither_dagster_nor_orchestration() -> None:
    found = probe("customer_success", PROJECT_DIR)
    assert {
        "customer_success.raw_contract",
        "customer_success.serving",
        "customer_success.report.page",
        "customer_success.quality.runner",
    } <= set(found["modules"])
    assert found["leaked"] == []


def test_the_probe_sees_a_leak(tmp_path: Path) -> None:
    """The probe itself: a package that imports `orchestration` is caught."""
    (tmp_path / "leaky").mkdir()
    (tmp_path / "leaky" / "__init__.py").write_text("")
    (tmp_path / "leaky" / "wiring.py").write_text("import orchestration.settings\n")
    found = probe("leaky", tmp_path)
    assert found["modules"] == ["leaky", "leaky.wiring"]
    assert "orchestration.settings" in found["leaked"]
