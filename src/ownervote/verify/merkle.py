"""The Merkle root over an archive's ballots (R-RES-4). Pure Python: no Django.

Each ballot entry is serialised as canonical JSON (keys sorted, no spaces, UTF-8); a leaf is
``SHA-256(0x00 || entry)``, an inner node ``SHA-256(0x01 || left || right)`` (the prefixes keep a
leaf from passing for a node, RFC 6962 §2.1); an odd node at the end of a level goes up unchanged.
The root of no ballots is ``SHA-256("")``. Entries are hashed in the order the archive lists them
(by flat pseudonym), so one altered, added, dropped or reordered ballot changes the root.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def leaf(entry: dict) -> bytes:
    return hashlib.sha256(b"\x00" + canonical(entry)).digest()


def root(entries: Iterable[dict]) -> str:
    level = [leaf(e) for e in entries]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()
