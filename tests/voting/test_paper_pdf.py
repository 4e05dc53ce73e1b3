"""Printable paper ballots: one A4 page per flat with the Chinese item titles and a QR code whose
payload starts the entry at the count; a forged payload is refused (issue 5 point 8)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ownervote.core.errors import InvalidInput
from ownervote.voting import ballot_pdf
from ownervote.voting.services import paper_ballots
from tests.voting.paper_fixtures import closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return closed(voting_world)


def _flats(roll):
    return [r.flat for r in roll.values()]


def test_one_page_per_flat(closed_world):
    w = closed_world
    flats = _flats(w["roll"])
    document = ballot_pdf.render_document(w["meeting"], flats)
    assert len(document.pages) == len(flats)


def test_text_has_the_items_and_flat(closed_world, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    w = closed_world
    flat = w["roll"]["1栋-101"].flat
    pdf = ballot_pdf.render(w["meeting"], [flat])
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = "".join(text.split())  # a long title wraps in its cell
    assert w["question"].title in text
    assert w["election"].title in text
    assert "1栋-101" in text
    assert w["candidates"][0].name in text


def test_qr_payload_accepted_at_entry_and_tampered_refused(closed_world):
    w = closed_world
    m = w["meeting"]
    flat = w["roll"]["1栋-102"]
    html = ballot_pdf.ballot_html(m, [flat.flat])
    payload = paper_ballots.qr_payload(m.pk, flat.flat_id)
    assert payload in html  # printed under the code as well
    assert paper_ballots.find_flat(m, payload).flat_id == flat.flat_id
    meeting_id, flat_id, sig = payload.split(":")[1:]
    other = w["roll"]["1栋-101"].flat_id
    for forged in (f"OVB:{meeting_id}:{other}:{sig}", f"OVB:{meeting_id}:{flat_id}:{'0' * len(sig)}"):
        with pytest.raises(InvalidInput) as exc:
            paper_ballots.find_flat(m, forged)
        assert exc.value.code == "paper.forged_qr"
