"""Render the report page: one HTML file with its CSS, JavaScript and data inline (no network).

The figures are embedded as JSON (`<script type="application/json" id="report-data">`); the
scripts of js/ (joined in JS_FILES order into one strict-mode function) draw the KPI tiles, SVG
charts and tables from it in the browser. A first
inline script records any JavaScript error in `#report-errors` so a broken page is visible (and
testable) without a console.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path
from typing import Any

ASSETS_DIR = Path(__file__).resolve().parent
# Shared helpers first, the page (state, filters, render) last.
JS_FILES = (
    "core.js",
    "charts.js",
    "overview.js",
    "revenue.js",
    "health.js",
    "customers.js",
    "main.js",
)

ERROR_CAPTURE = """
window.addEventListener("error", function (event) {
  var box = document.getElementById("report-errors");
  if (box) { box.textContent += (event.message || "error") + "\\n"; }
  document.documentElement.setAttribute("data-errors", "true");
});
"""


def _asset(name: str) -> str:
    return (ASSETS_DIR / name).read_text(encoding="utf-8")


def page_script() -> str:
    parts = [_asset(f"js/{name}") for name in JS_FILES]
    return '(function () {\n"use strict";\n' + "\n".join(parts) + "}());"


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element (no `</script>` or HTML comment can close it)."""
    text = json.dumps(data, sort_keys=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(data: dict[str, Any], title: str = "Customer success report") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{_asset("report.css")}
</style>
<script>{ERROR_CAPTURE}</script>
</head>
<body>
<header>
  <div>
    <h1>{html.escape(title)}</h1>
    <p class="meta" id="build-meta"></p>
  </div>
  <div class="filters">
    <label for="segment-filter">Segment</label><select id="segment-filter"></select>
    <label for="range-from">Months</label><select id="range-from"></select>
    <label for="range-to">to</label><select id="range-to"></select>
  </div>
</header>
<main>
  <pre id="report-errors"></pre>
  <div id="report"></div>
</main>
<script type="application/json" id="report-data">{embed_json(data)}</script>
<script>
{page_script()}
</script>
</body>
</html>
"""


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file beside it and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
