"""The audit chain heads an archive carries (R-SEC-5; docs/ARCHIVE.md, ``audit_heads``). Pure
Python: no Django, no database.

An archive does not hold the audit log itself, so the verifier cannot recompute the heads; it
checks they are well formed and shows them, so that people compare them with the public page of
daily digests (/p/audit/) and keep them. Whoever runs the server checks that the log still extends
them: ``manage.py verify_audit --anchors archive.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Head:
    stream: str
    seq: int
    hash: str


class Malformed(ValueError):
    """``audit_heads`` is there but not a list of ``{"stream", "seq", "hash"}``."""


def heads(data: dict) -> list[Head]:
    """The archive's heads; empty when it carries none (an archive made before they were added).
    Malformed when they are there but not well formed."""
    raw = data.get("audit_heads")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise Malformed("audit_heads")
    found = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise Malformed(f"audit_heads[{i}]")
        stream, seq, hash_ = entry.get("stream"), entry.get("seq"), entry.get("hash")
        if not isinstance(stream, str) or not stream:
            raise Malformed(f"audit_heads[{i}].stream")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise Malformed(f"audit_heads[{i}].seq")
        if not isinstance(hash_, str) or not HASH_RE.match(hash_):
            raise Malformed(f"audit_heads[{i}].hash")
        found.append(Head(stream, seq, hash_))
    return found
