"""Is an uploaded file a whole PDF, or only something that starts like one (issue 22 item 10: a
45-byte fake PDF was accepted as a meeting document)?

No PDF parser is among the dependencies, so the check is structural, as a reader finds its way
into a file (ISO 32000-1, 7.5): the header ``%PDF-1.x`` (or ``2.0``); near the end, ``startxref``
with the byte offset of the cross-reference section, then ``%%EOF``; at that offset a
cross-reference table (``xref``) or a cross-reference stream (``N G obj``); and at least one
indirect object (``N G obj`` ... ``endobj``; the pages may sit compressed in an object
stream). A truncated download, a renamed text file or a header pasted onto something else fails
it; a real PDF from any writer passes.
"""

from __future__ import annotations

import re

_HEADER = re.compile(rb"%PDF-(1\.[0-7]|2\.0)")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_STREAM = re.compile(rb"\d+\s+\d+\s+obj\b")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b.*?endobj", re.S)
TAIL = 1024  # readers look for %%EOF in the last 1024 bytes


def is_complete_pdf(content: bytes) -> bool:
    """True for a file laid out as a PDF from its header to its trailer."""
    if not _HEADER.match(content[:16]):
        return False
    tail = content[-TAIL:]
    found = _STARTXREF.search(tail)
    if found is None:
        return False
    offset = int(found.group(1))
    if not 0 < offset < len(content):
        return False
    at = content[offset : offset + 32].lstrip()
    if not (at.startswith(b"xref") or _XREF_STREAM.match(at)):
        return False
    return bool(_OBJECT.search(content))
