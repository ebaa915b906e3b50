"""Headless Debian chromium for the report tests (`make test` installs it when missing)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--enable-logging=stderr",
    "--v=0",
)
WINDOW = (1280, 8000)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError(
            "chromium is not installed: `make test` installs it "
            "(apt-get install --no-install-recommends chromium)"
        )
    return path


@dataclass(frozen=True)
class PageLoad:
    dom: str
    console: list[str]
    stderr: str


def console_lines(stderr: str) -> list[str]:
    """The page's console messages (chromium logs every console call and uncaught error)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def _run(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    width, height = WINDOW
    return subprocess.run(
        [
            chromium_path(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load(url: str, profile: Path) -> PageLoad:
    """The DOM after the page's scripts ran (`--dump-dom`) and its console output."""
    done = _run(url, profile, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return PageLoad(done.stdout, console_lines(done.stderr), done.stderr)


def screenshot(url: str, profile: Path, out: Path) -> Path:
    done = _run(url, profile, f"--screenshot={out}")
    assert done.returncode == 0 and out.exists(), done.stderr[-2000:]
    return out
