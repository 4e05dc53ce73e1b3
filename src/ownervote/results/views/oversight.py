"""The oversight dashboard ``/console/oversight/`` (issue 6): the street office, the district bureau
and the city operator see the results across their estates for a year - meetings held, turnout by
area and by owners, items passed, failed and not decided - broken down one level, with drill-down
links, the latest results, and charts drawn server-side as inline SVG (no script). Every chart
has a ``<title>``/``<desc>`` and the same figures as a table.

``?year=2025`` chooses the year (Beijing time, by the close of the voting), ``?division=<id>`` a
district or street within the user's own division. Anybody else gets 403; a division outside the
user's, 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ownervote.core.dbrouter import reads_from_replica
from ownervote.core.params import int_param
from ownervote.core.views import attempt, console_view

from ..services import oversight

# Chart geometry, in SVG user units (the SVG scales to the page's width).
CHART_WIDTH = 760
LABEL_WIDTH = 170
VALUE_WIDTH = 110
PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
BAR = 13
ROW = 2 * BAR + 14
TOP = 24
BOTTOM = 8
MAX_CHART_ROWS = 40
LABEL_CHARS = 12


def _int_param(request, name: str) -> int | None:
    return int_param(request.GET.get(name))


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _x(percent: str | None) -> float:
    return round(PLOT_WIDTH * float(percent or 0) / 100, 1)


@dataclass(frozen=True)
class Chart:
    rows: list[dict]
    height: int
    ticks: list[dict]
    omitted: int  # rows left out of the chart (the table lists them all)


def turnout_chart(rows: list[oversight.Row]) -> Chart:
    """Two horizontal bars a row: turnout by area and by owners, 0-100 %, with the two-thirds line
    (the quorum of art. 278 Civil Code)."""
    shown = [r for r in rows if r.meetings_with_result]
    out = []
    for i, r in enumerate(shown[:MAX_CHART_ROWS]):
        y = TOP + i * ROW
        out.append(
            {
                "name": r.name,
                "label": _label(r.name),
                "y": y,
                "text_y": y + BAR + 4,
                "area": r.area_percent,
                "owners": r.owners_percent,
                "area_w": _x(r.area_percent),
                "owners_w": _x(r.owners_percent),
                "owners_y": y + BAR + 1,
                "area_text_y": y + BAR - 2,
                "owners_text_y": y + 2 * BAR,
            }
        )
    height = TOP + len(out) * ROW + BOTTOM
    ticks = [
        {"x": round(PLOT_WIDTH * p / 100, 1), "label": label, "quorum": quorum}
        for p, label, quorum in (
            (0, "0", False),
            (50, "50%", False),
            (200 / 3, "2/3", True),
            (100, "100%", False),
        )
    ]
    return Chart(rows=out, height=height, ticks=ticks, omitted=max(0, len(shown) - MAX_CHART_ROWS))


def items_chart(rows: list[oversight.Row]) -> Chart:
    """One stacked bar a row: items passed, failed, not decided (no quorum), to the scale of the
    row with the most items."""
    shown = [r for r in rows if r.items_total]
    most = max((r.items_total for r in shown), default=0)
    out = []
    for i, r in enumerate(shown[:MAX_CHART_ROWS]):
        y = TOP + i * ROW
        x, segments = 0.0, []
        for kind, n in (
            ("passed", r.items_passed),
            ("failed", r.items_failed),
            ("no_quorum", r.items_no_quorum),
        ):
            w = round(PLOT_WIDTH * n / most, 1) if most else 0
            if n:
                segments.append({"kind": kind, "x": x, "w": w, "n": n})
            x = round(x + w, 1)
        out.append(
            {
                "name": r.name,
                "label": _label(r.name),
                "y": y + BAR // 2,
                "text_y": y + BAR + 4,
                "segments": segments,
                "passed": r.items_passed,
                "failed": r.items_failed,
                "no_quorum": r.items_no_quorum,
            }
        )
    height = TOP + len(out) * ROW + BOTTOM
    ticks = [{"x": 0, "label": "0", "quorum": False}]
    if most:
        ticks.append({"x": PLOT_WIDTH, "label": str(most), "quorum": False})
    return Chart(rows=out, height=height, ticks=ticks, omitted=max(0, len(shown) - MAX_CHART_ROWS))


@reads_from_replica
@console_view
@never_cache
@require_GET
def dashboard(request):
    year = _int_param(request, "year")
    division_id = _int_param(request, "division")
    asked = attempt(oversight.dashboard, actor=request.user, year=year, division_id=division_id)
    if asked.refused:  # a year out of range: this year's figures, and why
        messages.warning(request, asked.message)
        board = oversight.dashboard(request.user, division_id=division_id)
    else:
        board = asked.value
    context = {
        "board": board,
        "turnout": turnout_chart(board.rows),
        "items": items_chart(board.rows),
        "geometry": {
            "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH,
            "plot_width": PLOT_WIDTH,
            "value_x": LABEL_WIDTH + PLOT_WIDTH + 8,
            "bar": BAR,
        },
        "child_label": {
            "district": _("District"),
            "street": _("Street"),
            "estate": _("Estate"),
        }[board.child_kind],
    }
    return render(request, "results/oversight.html", context)
