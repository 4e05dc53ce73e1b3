"""Hashing of audit events, kept free of the ORM so the archive verifier can reuse it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def normalise(summary: Any) -> Any:
    """What a JSON column gives back: dates, decimals and the like become strings."""
    return json.loads(canonical(summary))


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    body = canonical({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(body.encode()).hexdigest()
