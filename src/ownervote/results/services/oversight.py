"""Oversight dashboards (issue 6): the street office, the district bureau and the city operator see
the results across the estates of their division, for one year (Beijing time, by the close of the
voting): meetings held (voting closed) with and without a generated result, turnout by area and by
owners, items passed, failed and not decided for want of a quorum; broken down one level (city ->
districts, district -> streets, street -> estates), and the latest results.

Reads only the summary columns of the current ``Result`` versions (``superseded_at IS NULL``),
never ``Result.content``, through grouped database aggregates: the number of queries does not
grow with the number of estates or results. Turnout is ``sum(voted) / sum(total)`` as an exact
fraction; ``rules.tally.percent`` only formats it for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import InvalidInput, require
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.orgs.models import Division
from ownervote.roster.models import Estate
from ownervote.rules import tally

from .. import permissions
from ..access import CHILD_KIND, access_division, oversight_forbidden
from ..errors import Code
from ..models import Result, ResultPublicity

FIRST_YEAR = 2000
LAST_YEAR = 2100
YEARS_OFFERED = 6  # the year selector: this year and the five before, plus the one asked for
LATEST = 20
CENTS = Decimal("0.01")  # latest results listed
DK = Division.Kind
# The Result/Meeting lookup that groups by what a division of a kind breaks down into (CHILD_KIND).
GROUP_BY = {DK.CITY: "estate__street__parent_id", DK.DISTRICT: "estate__street_id", DK.STREET: "estate_id"}
SUMMED = (
    "total_area",
    "voted_area",
    "total_owners",
    "voted_owners",
    "items_passed",
    "items_failed",
    "items_no_quorum",
)


def _area(value) -> Decimal:
    """An area in m² with its two decimals, whatever the database's sum returned."""
    return Decimal(value or 0).quantize(CENTS)


def _share(part, whole) -> Fraction:
    return tally.ratio(part, whole)


def _percent(part, whole) -> str | None:
    """Per cent with two decimals for people, or None when there is nothing to divide by."""
    return tally.percent(_share(part, whole)) if whole else None


@dataclass
class Figures:
    """The figures of one division (or estate), or of the whole scope."""

    meetings_held: int = 0  # voting closed within the year
    meetings_with_result: int = 0  # of those, with a generated (current) result
    total_area: Decimal = Decimal("0.00")
    voted_area: Decimal = Decimal("0.00")
    total_owners: int = 0
    voted_owners: int = 0
    items_passed: int = 0
    items_failed: int = 0
    items_no_quorum: int = 0

    @property
    def meetings_without_result(self) -> int:
        return self.meetings_held - self.meetings_with_result

    @property
    def items_total(self) -> int:
        return self.items_passed + self.items_failed + self.items_no_quorum

    @property
    def area_share(self) -> Fraction:
        return _share(self.voted_area, self.total_area)

    @property
    def owners_share(self) -> Fraction:
        return _share(self.voted_owners, self.total_owners)

    @property
    def area_percent(self) -> str | None:
        return _percent(self.voted_area, self.total_area)

    @property
    def owners_percent(self) -> str | None:
        return _percent(self.voted_owners, self.total_owners)

    def add(self, other: Figures) -> None:
        for name in ("meetings_held", "meetings_with_result", *SUMMED):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row(Figures):
    """A child of the scope: a district, a street or an estate."""

    id: int = 0
    kind: str = ""
    name: str = ""
    code: str = ""
    drill: bool = False  # a division the dashboard can open (estates are the last level)


@dataclass(frozen=True)
class LatestResult:
    meeting_id: int
    meeting_title: str
    estate_id: int
    estate_name: str
    street_name: str
    voting_closed_at: dt.datetime
    number: int
    generated_at: dt.datetime
    total_area: Decimal
    voted_area: Decimal
    total_owners: int
    voted_owners: int
    items_passed: int
    items_failed: int
    items_no_quorum: int
    filing: bool = False  # a version is publicised (from its first day): it exports for filing (R-DATA-1)

    @property
    def area_percent(self) -> str | None:
        return _percent(self.voted_area, self.total_area)

    @property
    def owners_percent(self) -> str | None:
        return _percent(self.voted_owners, self.total_owners)


@dataclass
class Dashboard:
    scope: Division
    year: int
    years: list[int]
    child_kind: str  # "district", "street" or "estate"
    totals: Figures
    rows: list[Row]
    latest: list[LatestResult]
    trail: list[Division] = field(default_factory=list)  # from the actor's own division down to the scope
    roots: list[Division] = field(default_factory=list)  # the divisions the actor supervises


# --- scope -----------------------------------------------------------------------------------


def _trail(scope: Division, roots: list[Division]) -> list[Division]:
    """The scope's ancestors the actor may open, and the scope: the breadcrumbs."""
    if any(r.pk == scope.pk for r in roots):
        return [scope]
    ids = [int(part) for part in scope.path.strip("/").split("/") if part]
    ancestors = {
        d.pk: d for d in Division.objects.filter(pk__in=ids[:-1]).only("id", "kind", "code", "name", "path")
    }
    trail = [
        ancestors[i]
        for i in ids[:-1]
        if i in ancestors and any(ancestors[i].path.startswith(r.path) for r in roots)
    ]
    return [*trail, scope]


def this_year() -> int:
    return timezone.localdate(timezone.now(), meeting_selectors.beijing()).year


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = meeting_selectors.beijing()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _years(year: int) -> list[int]:
    current = this_year()
    return sorted({*range(current, current - YEARS_OFFERED, -1), year}, reverse=True)


# --- the dashboard -----------------------------------------------------------------------------


def _children(scope: Division) -> list[Row]:
    if scope.kind == DK.STREET:
        estates = Estate.objects.filter(street=scope).order_by("name", "id").values_list("id", "name")
        return [Row(id=pk, kind="estate", name=name) for pk, name in estates]
    divisions = (
        Division.objects.filter(parent=scope, kind=CHILD_KIND[scope.kind])
        .order_by("code")
        .values_list("id", "kind", "name", "code")
    )
    return [Row(id=pk, kind=kind, name=name, code=code, drill=True) for pk, kind, name, code in divisions]


def _held(scope: Division, start: dt.datetime, end: dt.datetime, *, prefix: str = "") -> Q:
    """Meetings of the scope's estates whose voting closed within [start, end)."""
    return Q(
        **{
            f"{prefix}estate__street__path__startswith": scope.path,
            f"{prefix}status": Meeting.Status.CLOSED,
            f"{prefix}voting_closes_at__gte": start,
            f"{prefix}voting_closes_at__lt": end,
        }
    )


def dashboard(actor, year: int | None = None, division_id: int | None = None) -> Dashboard:
    """The oversight figures of ``actor``'s division (or of ``division_id`` within it) for
    ``year`` (default: this Beijing year). 403 ``oversight.forbidden`` for anybody but a street
    office, district bureau or city operator; 404 ``division.not_found`` for a division outside
    the actor's; 422 ``oversight.year_invalid``."""
    require(permissions.can_oversee(actor), oversight_forbidden())
    year = this_year() if year is None else year
    require(
        FIRST_YEAR <= year <= LAST_YEAR,
        InvalidInput(
            Code.YEAR_INVALID,
            _("Choose a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            details={"year": "out_of_range"},
        ),
    )
    scope, roots = access_division(actor, division_id)
    start, end = _year_bounds(year)
    key = GROUP_BY[scope.kind]
    rows = _children(scope)
    by_id: dict[int, Figures] = {r.id: r for r in rows}
    totals = Figures()

    def figures_for(group) -> Figures:
        # A group outside the listed children (an estate whose street has no district) still counts.
        if group not in by_id:
            by_id[group] = Figures()
        return by_id[group]

    held = (
        Meeting.objects.filter(_held(scope, start, end))
        .order_by()
        .values(group=F(key))
        .annotate(n=Count("id"))
    )
    for g in held:
        figures_for(g["group"]).meetings_held = g["n"]
    current = Result.objects.filter(_held(scope, start, end, prefix="meeting__"), superseded_at__isnull=True)
    results = (
        current.order_by()
        .values(group=F(f"meeting__{key}"))
        .annotate(n=Count("id"), **{name: Sum(name) for name in SUMMED})
    )
    for g in results:
        f = figures_for(g["group"])
        f.meetings_with_result = g["n"]
        for name in SUMMED:
            setattr(f, name, _area(g[name]) if "area" in name else g[name] or 0)
    for f in by_id.values():
        totals.add(f)
    today = timezone.localdate(timezone.now(), meeting_selectors.beijing())
    publicised = ResultPublicity.objects.filter(meeting_id=OuterRef("meeting_id"), starts_on__lte=today)
    latest = [
        LatestResult(
            meeting_id=r["meeting_id"],
            meeting_title=r["meeting__title"],
            estate_id=r["meeting__estate_id"],
            estate_name=r["meeting__estate__name"],
            street_name=r["meeting__estate__street__name"],
            voting_closed_at=r["meeting__voting_closes_at"],
            number=r["number"],
            generated_at=r["generated_at"],
            filing=r["filing"],
            **{name: _area(r[name]) if "area" in name else r[name] for name in SUMMED},
        )
        for r in current.annotate(filing=Exists(publicised))
        .order_by("-meeting__voting_closes_at", "-id")
        .values(
            "meeting_id",
            "meeting__title",
            "meeting__estate_id",
            "meeting__estate__name",
            "meeting__estate__street__name",
            "meeting__voting_closes_at",
            "number",
            "generated_at",
            "filing",
            *SUMMED,
        )[:LATEST]
    ]
    return Dashboard(
        scope=scope,
        year=year,
        years=_years(year),
        child_kind=CHILD_KIND[scope.kind],
        totals=totals,
        rows=rows,
        latest=latest,
        trail=_trail(scope, roots),
        roots=roots,
    )
