"""Delivering a JSON message: POSTed to a webhook (Slack's incoming webhooks read its `text`),
appended as one line to a JSON-lines log."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

POST_TIMEOUT_SECONDS = 10


def post_json(url: str, payload: dict[str, Any]) -> str:
    """POST ``payload`` to ``url``; the outcome as a short sentence (never the URL: it holds
    the webhook's secret)."""
    host = urlsplit(url).hostname
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=POST_TIMEOUT_SECONDS) as response:
            return f"posted to {host}: HTTP {response.status}"
    except urllib.error.HTTPError as err:
        return f"not delivered to {host}: HTTP {err.code}"
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return f"not delivered to {host}: {reason}"


def append_log(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")
