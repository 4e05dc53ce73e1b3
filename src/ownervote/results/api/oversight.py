"""/api/results/oversight: the oversight figures of the street office, district bureau or city
operator (issue 6), the same as the console page /console/oversight/.

For the year asked (default: this year in Beijing time; meetings counted by the close of their
voting) and the caller's division, or a district or street within it (``division_id``): meetings
held (voting closed) with and without a generated result, turnout by area and by owners over the
meetings with a result (exact ``num/den`` and a per cent with two decimals for people), items
passed, not passed and without quorum; the same per child (city -> districts, district -> streets,
street -> estates) and the latest results. Anybody else gets 403 ``oversight.forbidden``; a
division outside the caller's 404 ``division.not_found``; a year outside 2000-2100 422
``oversight.year_invalid``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema

from ownervote.core.dbrouter import reads_from_replica
from ownervote.core.schemas import ERRORS, Id
from ownervote.rules import tally

from ..services import oversight

router = Router(tags=["oversight"])


class OversightFiguresOut(Schema):
    meetings_held: int = Field(description="Meetings whose voting closed in the year.")
    meetings_with_result: int = Field(description="Of those, the meetings with a generated result.")
    meetings_without_result: int
    total_area: Decimal = Field(description="Total area (m²) of the meetings with a result.")
    voted_area: Decimal
    area_share: str = Field(description="voted_area / total_area, exact (`num/den`); `0/1` when no total.")
    area_percent: str | None = Field(description="The same in per cent with two decimals (`66.67`), or null.")
    total_owners: int
    voted_owners: int
    owners_share: str
    owners_percent: str | None
    items_passed: int = Field(description="Questions passed and elections that filled a seat.")
    items_failed: int = Field(description="Quorum met, not carried.")
    items_no_quorum: int = Field(description="Fewer than two thirds of the area or owners took part.")


class BreakdownOut(OversightFiguresOut):
    id: int
    kind: str = Field(description="`district`, `street` or `estate`.")
    name: str
    code: str = Field(description="The division's code; empty for an estate.")


class ScopeOut(Schema):
    id: int
    kind: str = Field(description="`city`, `district` or `street`.")
    code: str
    name: str


class LatestOut(Schema):
    meeting_id: int
    meeting_title: str
    estate_id: int
    estate_name: str
    street_name: str
    voting_closed_at: dt.datetime
    result_number: int = Field(description="The current version of the result.")
    generated_at: dt.datetime
    total_area: Decimal
    voted_area: Decimal
    area_percent: str | None
    total_owners: int
    voted_owners: int
    owners_percent: str | None
    items_passed: int
    items_failed: int
    items_no_quorum: int


class OversightOut(Schema):
    year: int
    scope: ScopeOut
    trail: list[ScopeOut] = Field(description="From the caller's own division down to the scope.")
    breakdown_kind: str = Field(description="What `breakdown` lists: `district`, `street` or `estate`.")
    totals: OversightFiguresOut
    breakdown: list[BreakdownOut]
    latest: list[LatestOut] = Field(description=f"The {oversight.LATEST} latest results, by close of voting.")


def _figures(f: oversight.Figures) -> dict:
    return {
        "meetings_held": f.meetings_held,
        "meetings_with_result": f.meetings_with_result,
        "meetings_without_result": f.meetings_without_result,
        "total_area": f.total_area,
        "voted_area": f.voted_area,
        "area_share": tally.ratio_text(f.area_share),
        "area_percent": f.area_percent,
        "total_owners": f.total_owners,
        "voted_owners": f.voted_owners,
        "owners_share": tally.ratio_text(f.owners_share),
        "owners_percent": f.owners_percent,
        "items_passed": f.items_passed,
        "items_failed": f.items_failed,
        "items_no_quorum": f.items_no_quorum,
    }


def _division(d) -> dict:
    return {"id": d.pk, "kind": d.kind, "code": d.code, "name": d.name}


def as_json(board: oversight.Dashboard) -> dict:
    return {
        "year": board.year,
        "scope": _division(board.scope),
        "trail": [_division(d) for d in board.trail],
        "breakdown_kind": board.child_kind,
        "totals": _figures(board.totals),
        "breakdown": [
            {**_figures(r), "id": r.id, "kind": r.kind, "name": r.name, "code": r.code} for r in board.rows
        ],
        "latest": [
            {
                "meeting_id": r.meeting_id,
                "meeting_title": r.meeting_title,
                "estate_id": r.estate_id,
                "estate_name": r.estate_name,
                "street_name": r.street_name,
                "voting_closed_at": r.voting_closed_at,
                "result_number": r.number,
                "generated_at": r.generated_at,
                "total_area": r.total_area,
                "voted_area": r.voted_area,
                "area_percent": r.area_percent,
                "total_owners": r.total_owners,
                "voted_owners": r.voted_owners,
                "owners_percent": r.owners_percent,
                "items_passed": r.items_passed,
                "items_failed": r.items_failed,
                "items_no_quorum": r.items_no_quorum,
            }
            for r in board.latest
        ],
    }


@router.get("/oversight", response={200: OversightOut, **ERRORS}, summary="Oversight figures")
@reads_from_replica
def get_oversight(request, year: int | None = None, division_id: Id | None = None):
    """Results across the caller's division for a year (issue 6): for the street office, the
    district bureau and the city operator."""
    return as_json(oversight.dashboard(request.auth, year=year, division_id=division_id))
