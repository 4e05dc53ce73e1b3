"""Printable paper ballots (表决票): one A4 page per flat with the meeting, the flat, every item with
boxes to mark (yes / no / abstain; candidates with the number that may be chosen), instructions,
the lines for the owner's signature and the date, and a QR code carrying the meeting, the flat and
a keyed signature (``services.paper_ballots.qr_payload``), so that entry at the count starts by scanning
it and a forged code is refused.

One HTML document and one WeasyPrint render for all the flats, with the Noto Sans CJK SC font
embedded as a subset (as ``meetings.documents`` does), so that a whole estate prints at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ownervote.meetings import scopes
from ownervote.meetings.models import Item, Meeting
from ownervote.roster.models import Flat

from .services import answers as ballot_answers
from .services import paper_ballots

PDF = "application/pdf"


@dataclass(frozen=True)
class BallotPage:
    flat_id: int
    label: str
    payload: str
    qr_svg: str
    items: tuple = ()  # the items on this flat's ballot (R-MTG-9: those of its scopes)


def _qr_svg(payload: str) -> str:
    svg = segno.make(payload, error="q").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - segno's output from our own payload


def ballot_html(meeting: Meeting, flats: Sequence[Flat]) -> str:
    """The HTML the PDF is made from (its only text source). ``flats`` need their building."""
    items = ballot_answers.meeting_items(meeting)
    rows = _rows(items)
    scoped = any(i.scope != Item.Scope.ESTATE for i in items)  # else every flat gets every item
    pages = []
    for flat in flats:
        payload = paper_ballots.qr_payload(meeting.pk, flat.pk)
        mine = ballot_answers.items_for(items, [(flat.pk, flat.building_id)]) if scoped else items
        pages.append(
            BallotPage(
                flat_id=flat.pk,
                label=paper_ballots.flat_label(flat.building.name, flat.room),
                payload=payload,
                qr_svg=_qr_svg(payload),
                items=tuple(rows[i.pk] for i in mine),
            )
        )
    closes = timezone.localtime(meeting.voting_closes_at)
    return render_to_string(
        "voting/paper/ballot_pdf.html",
        {
            "meeting": meeting,
            "estate_name": meeting.estate.name,
            "items": list(rows.values()),
            "pages": pages,
            "opens": timezone.localtime(meeting.voting_opens_at),
            "closes": closes,
            "howto": _(
                "Mark one box per item with ✓; for an election, at most the number of candidates shown. "
                "An item left unmarked counts as an abstention. Sign, date and hand in this ballot before "
                "%(closes)s: a ballot dated after the close of the voting does not count. If this flat also "
                "votes electronically, the electronic ballot counts."
            )
            % {"closes": closes.strftime("%Y-%m-%d %H:%M")},
            "doc_title": _("Ballot: %(title)s") % {"title": meeting.title},
        },
    )


def _rows(items) -> dict[int, dict]:
    """item id -> how the ballot prints it; an item for part of the estate with its scope."""
    gap = "\u3000\u3000"  # ideographic spaces between the boxes
    rows: dict[int, dict] = {}
    for i in items:
        if i.kind == Item.Kind.ELECTION:
            boxes = [f"□ {n}. {c.name}" for n, c in enumerate(i.candidates.all(), start=1)]
            boxes.append("□ " + pgettext("vote", "abstain"))
            note = _("(election of %(seats)s: mark at most %(n)s)") % {"seats": i.seats, "n": i.max_choices}
        else:
            boxes = ["□ " + pgettext("vote", word) for word in ("yes", "no", "abstain")]
            note = ""
        rows[i.pk] = {
            "position": i.position,
            "title": i.title,
            "is_election": i.kind == Item.Kind.ELECTION,
            "note": note,
            "boxes": gap.join(boxes),
            "scope": scopes.label(i) if i.scope != Item.Scope.ESTATE else "",
        }
    return rows


def render_document(meeting: Meeting, flats: Sequence[Flat]):
    """The laid-out WeasyPrint document (its pages can be inspected in tests)."""
    from weasyprint import HTML

    return HTML(string=ballot_html(meeting, flats), base_url=settings.OWNERVOTE_PUBLIC_URL).render()


def render(meeting: Meeting, flats: Sequence[Flat]) -> bytes:
    """One A4 page per flat, as PDF bytes."""
    return render_document(meeting, flats).write_pdf()
