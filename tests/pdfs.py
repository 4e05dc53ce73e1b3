"""A small but whole PDF for tests that upload one (a meeting document must be a complete PDF,
core.pdf): header, objects, a cross-reference table at the offset ``startxref`` gives, ``%%EOF``."""

from __future__ import annotations


def minimal_pdf(note: str = "") -> bytes:
    """A one-page PDF; ``note`` (ASCII) goes into a comment, so that two files differ."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.4\n%" + note.encode("ascii") + b"\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PDF = minimal_pdf()
