"""Oversight dashboards (issue 6 oversight; R-RES-4: results can be checked by all parties, here
the street office, the district bureau and the city operator across their estates).

The world: results of 2024 and 2025 across the test geography (tests/conftest.py ``geo``):
estates a and b in Shatou street (Futian district), c in Yuehai street (Nanshan district);
Xiangmihu street (Futian) has no estate. Meetings and result versions are written directly with
consistent summary fields (the figures ``summary_of`` copies from a generated result); one test
generates a real result through the services and finds its figures on the dashboard."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.core.errors import Forbidden, InvalidInput, NotFound
from ownervote.meetings.models import Meeting
from ownervote.orgs.models import User
from ownervote.results.models import Result
from ownervote.results.services import oversight
from ownervote.roster.models import Estate
from ownervote.rules import tally

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def bj(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BJ)


def closed_meeting(estate, closes_at, *, by, status=Meeting.Status.CLOSED, title=None) -> Meeting:
    org = by.memberships.get().organisation
    return Meeting.objects.create(
        estate=estate,
        convener=org,
        kind="regular",
        title=title or f"{estate.name}业主大会会议{next(_n)}",
        place="会所",
        method="mixed",
        starts_at=closes_at - dt.timedelta(days=3),
        voting_opens_at=closes_at - dt.timedelta(days=3),
        voting_closes_at=closes_at,
        status=status,
        created_by=by,
    )


def result_row(meeting, *, by, number=1, superseded=False, area=("0", "0"), owners=(0, 0), items=(0, 0, 0)):
    """A result version with the summary columns that ``results.summary_of`` fills."""
    total_area, voted_area = area
    total_owners, voted_owners = owners
    passed, failed, no_quorum = items
    at = meeting.voting_closes_at + dt.timedelta(hours=number)
    return Result.objects.create(
        meeting=meeting,
        number=number,
        reason="" if number == 1 else "更正",
        content={},
        digest=f"{meeting.pk:064d}",
        merkle_root="0" * 64,
        resolved_on=at.date(),
        generated_by=by,
        generated_at=at,
        superseded_at=at + dt.timedelta(minutes=30) if superseded else None,
        total_area=Decimal(total_area),
        voted_area=Decimal(voted_area),
        total_owners=total_owners,
        voted_owners=voted_owners,
        items_passed=passed,
        items_failed=failed,
        items_no_quorum=no_quorum,
    )


@pytest.fixture
def board(staff, estates, geo):
    """2025: a has A1 (result) and A2 (no result); b has B1 (v1 superseded, v2 current) and B0
    closed at 00:30 on 1 January (Beijing; still 31 December in UTC), no result; c has C1 (result).
    Not held: a voting meeting and a cancelled one of a. 2024: a's Z1 closed at 23:30 on 31
    December (Beijing), with a result."""
    convener, other = staff["convener"], staff["other_convener"]
    a, b, c = estates["a"], estates["b"], estates["c"]
    m = {
        "A1": closed_meeting(a, bj(2025, 3, 10), by=convener, title="碧海花园2025年第一次会议"),
        "A2": closed_meeting(a, bj(2025, 6, 1), by=convener),
        "B1": closed_meeting(b, bj(2025, 5, 20), by=convener, title="金地花园续聘物业"),
        "B0": closed_meeting(b, bj(2025, 1, 1, 0, 30), by=convener),
        "C1": closed_meeting(c, bj(2025, 9, 9), by=other, title="科苑小区维修资金"),
        "voting": closed_meeting(a, bj(2025, 7, 1), by=convener, status=Meeting.Status.VOTING),
        "cancelled": closed_meeting(a, bj(2025, 8, 1), by=convener, status=Meeting.Status.CANCELLED),
        "Z1": closed_meeting(a, bj(2024, 12, 31, 23, 30), by=convener),
    }
    result_row(m["A1"], by=convener, area=("1000.00", "700.50"), owners=(10, 7), items=(2, 1, 0))
    v1 = {"area": ("500.00", "100.00"), "owners": (5, 1), "items": (0, 0, 3)}
    result_row(m["B1"], by=convener, superseded=True, **v1)
    result_row(m["B1"], by=convener, number=2, area=("500.25", "400.00"), owners=(6, 5), items=(1, 0, 1))
    result_row(m["C1"], by=other, area=("800.00", "300.00"), owners=(8, 3), items=(0, 0, 2))
    result_row(m["Z1"], by=convener, area=("100.00", "90.00"), owners=(2, 2), items=(1, 0, 0))
    return m


def figures(f) -> dict:
    return {
        "held": f.meetings_held,
        "with_result": f.meetings_with_result,
        "area": (f.voted_area, f.total_area),
        "owners": (f.voted_owners, f.total_owners),
        "items": (f.items_passed, f.items_failed, f.items_no_quorum),
        "pct": (f.area_percent, f.owners_percent),
    }


SHATOU_2025 = {
    "held": 4,  # A1, A2, B1, B0 (1 January 00:30 Beijing)
    "with_result": 2,
    "area": (Decimal("1100.50"), Decimal("1500.25")),  # B1 counts its current version 2 only
    "owners": (12, 16),
    "items": (3, 1, 1),
    "pct": ("73.35", "75.00"),
}
NANSHAN_2025 = {
    "held": 1,
    "with_result": 1,
    "area": (Decimal("300.00"), Decimal("800.00")),
    "owners": (3, 8),
    "items": (0, 0, 2),
    "pct": ("37.50", "37.50"),
}
NOTHING = {
    "held": 0,
    "with_result": 0,
    "area": (Decimal(0), Decimal(0)),
    "owners": (0, 0),
    "items": (0, 0, 0),
    "pct": (None, None),
}


def test_street_office_sees_its_estates_only(staff, geo, estates, board):  # R-RES-4, issue 6 oversight
    got = oversight.dashboard(staff["street"], year=2025)
    assert got.scope == geo["shatou"] and got.child_kind == "estate"
    assert [r.id for r in got.rows] == [estates["a"].pk, estates["b"].pk]
    assert [r.name for r in got.rows] == ["碧海花园", "金地花园"]
    assert figures(got.totals) == SHATOU_2025
    a, b = got.rows
    assert (a.meetings_held, a.meetings_with_result) == (2, 1)
    assert (a.area_percent, a.owners_percent) == ("70.05", "70.00")
    assert (b.meetings_held, b.meetings_with_result, b.items_no_quorum) == (2, 1, 1)
    # the latest results: a's and b's meetings only, the newest close first, b at its version 2
    assert [(r.meeting_id, r.number) for r in got.latest] == [(board["B1"].pk, 2), (board["A1"].pk, 1)]
    assert {r.estate_id for r in got.latest} == {estates["a"].pk, estates["b"].pk}
    # The exact share, not a sum of rounded per cents.
    assert got.totals.area_share == Fraction(110050, 150025)


def test_latest_results_newest_first(staff, board):  # issue 6 oversight
    got = oversight.dashboard(staff["street"], year=2025)
    # 20 May, then 10 March
    assert [r.meeting_title for r in got.latest] == ["金地花园续聘物业", "碧海花园2025年第一次会议"]
    closes = [r.voting_closed_at for r in got.latest]
    assert closes == sorted(closes, reverse=True)


def test_district_sees_its_streets(staff, geo, board):  # R-RES-4, issue 6 oversight
    got = oversight.dashboard(staff["district"], year=2025)
    assert got.scope == geo["futian"] and got.child_kind == "street"
    assert [r.name for r in got.rows] == ["沙头街道", "香蜜湖街道"]  # by code; Xiangmihu has no estate
    assert all(r.drill for r in got.rows)
    assert figures(got.rows[0]) == SHATOU_2025
    assert figures(got.rows[1]) == NOTHING
    assert figures(got.totals) == SHATOU_2025
    assert {r.estate_name for r in got.latest} == {"碧海花园", "金地花园"}


def test_city_sees_every_district(staff, geo, board):  # R-RES-4, issue 6 oversight
    got = oversight.dashboard(staff["city"], year=2025)
    assert got.scope == geo["city"] and got.child_kind == "district"
    assert [r.name for r in got.rows] == ["福田区", "南山区"]
    assert figures(got.rows[0]) == SHATOU_2025
    assert figures(got.rows[1]) == NANSHAN_2025
    assert figures(got.totals) == {
        "held": 5,
        "with_result": 3,
        "area": (Decimal("1400.50"), Decimal("2300.25")),
        "owners": (15, 24),
        "items": (3, 1, 3),
        "pct": ("60.88", "62.50"),
    }
    assert len(got.latest) == 3 and got.latest[0].meeting_id == board["C1"].pk  # 9 September first


def test_other_street_office_sees_only_its_estate(staff, geo, estates, board):  # issue 6 oversight
    got = oversight.dashboard(staff["other_street"], year=2025)
    assert got.scope == geo["yuehai"]
    assert [r.id for r in got.rows] == [estates["c"].pk]
    assert figures(got.totals) == NANSHAN_2025


def test_year_counts_by_the_beijing_close(staff, board):  # issue 6 oversight
    # Z1 closed at 23:30 on 31 December 2024 in Beijing; B0 at 00:30 on 1 January 2025 (still 2024 in UTC).
    got = oversight.dashboard(staff["street"], year=2024)
    assert figures(got.totals) == {
        "held": 1,
        "with_result": 1,
        "area": (Decimal("90.00"), Decimal("100.00")),
        "owners": (2, 2),
        "items": (1, 0, 0),
        "pct": ("90.00", "100.00"),
    }
    assert [r.meeting_id for r in got.latest] == [board["Z1"].pk]
    assert oversight.dashboard(staff["street"], year=2023).totals.meetings_held == 0


def test_default_year_is_this_beijing_year(staff, estates):  # issue 6 oversight
    now = timezone.now()
    meeting = closed_meeting(estates["a"], now - dt.timedelta(minutes=5), by=staff["convener"])
    result_row(meeting, by=staff["convener"], area=("10", "10"), owners=(1, 1), items=(1, 0, 0))
    got = oversight.dashboard(staff["street"])
    assert got.year == timezone.localdate(now, BJ).year == oversight.this_year()
    assert got.totals.meetings_held == 1 and got.totals.items_passed == 1
    assert got.year in got.years


def test_drill_down_within_the_scope(staff, geo, estates, board):  # issue 6 oversight
    district = oversight.dashboard(staff["city"], year=2025, division_id=geo["futian"].pk)
    assert district.scope == geo["futian"] and [d.name for d in district.trail] == ["深圳市", "福田区"]
    street = oversight.dashboard(staff["city"], year=2025, division_id=geo["shatou"].pk)
    assert [d.name for d in street.trail] == ["深圳市", "福田区", "沙头街道"]
    assert figures(street.totals) == SHATOU_2025
    assert [r.id for r in street.rows] == [estates["a"].pk, estates["b"].pk]
    assert not any(r.drill for r in street.rows)  # estates are the last level
    mine = oversight.dashboard(staff["district"], year=2025, division_id=geo["shatou"].pk)
    assert [d.name for d in mine.trail] == ["福田区", "沙头街道"]  # the city is not the district's to open
    same = oversight.dashboard(staff["street"], year=2025, division_id=geo["shatou"].pk)
    assert figures(same.totals) == SHATOU_2025


@pytest.mark.parametrize(
    "who, where",
    [
        ("district", "yuehai"),  # another district's street
        ("district", "nanshan"),
        ("district", "city"),  # above its own division
        ("street", "futian"),
        ("street", "xiangmihu"),  # a neighbouring street of the same district
        ("other_street", "shatou"),
        ("city", "shazui"),  # a community is not a level of the dashboard
    ],
)
def test_drill_down_out_of_scope_is_not_found(staff, geo, board, who, where):  # issue 6 oversight
    with pytest.raises(NotFound) as exc:
        oversight.dashboard(staff[who], year=2025, division_id=geo[where].pk)
    assert exc.value.code == "division.not_found"


def test_unknown_division_is_not_found(staff, board):  # issue 6 oversight
    with pytest.raises(NotFound):
        oversight.dashboard(staff["city"], year=2025, division_id=999_999)


@pytest.mark.parametrize("who", ["convener", "other_convener", "community", "pending"])
def test_others_are_refused(staff, board, who):  # issue 6 oversight
    with pytest.raises(Forbidden) as exc:
        oversight.dashboard(staff[who], year=2025)
    assert exc.value.code == "oversight.forbidden"


def test_an_owner_account_is_refused(db):  # issue 6 oversight
    owner = User.objects.create_user(username="owner-13800000000", password="x-Pw-for-tests-1")
    with pytest.raises(Forbidden):
        oversight.dashboard(owner)


def test_year_out_of_range(staff):  # issue 6 oversight
    with pytest.raises(InvalidInput) as exc:
        oversight.dashboard(staff["city"], year=1999)
    assert exc.value.code == "oversight.year_invalid"


def test_a_street_office_revoked_sees_nothing(staff, board):  # issue 6 oversight
    from ownervote.orgs.models import Association

    Association.objects.filter(organisation__memberships__user=staff["street"]).update(status="revoked")
    staff["street"].__dict__.pop("_approved_associations", None)
    with pytest.raises(Forbidden):
        oversight.dashboard(staff["street"], year=2025)


# --- speed: a fixed number of queries whatever the number of estates and results -------------


def _many(geo, staff, n: int) -> None:
    convener = staff["convener"]
    for i in range(n):
        estate = Estate.objects.create(name=f"批量小区{i:03d}", street=geo["shatou" if i % 2 else "yuehai"])
        meeting = closed_meeting(estate, bj(2025, 4, 1 + i % 28), by=convener)
        result_row(meeting, by=convener, area=("100.00", "70.00"), owners=(3, 2), items=(1, 1, 0))


def test_query_count_does_not_grow(staff, geo, board, django_assert_max_num_queries):  # issue 6 oversight
    user = staff["city"]
    oversight.dashboard(user, year=2025)  # the associations are cached on the user from here on
    with django_assert_max_num_queries(6) as few:
        oversight.dashboard(user, year=2025, division_id=geo["shatou"].pk)
    small = len(few.captured_queries)
    _many(geo, staff, 60)
    with django_assert_max_num_queries(small) as many:
        got = oversight.dashboard(user, year=2025, division_id=geo["shatou"].pk)
    assert len(got.rows) == 2 + 30
    assert got.totals.meetings_with_result == 2 + 30
    with django_assert_max_num_queries(4):  # the user's own division: no scope nor trail query
        city = oversight.dashboard(user, year=2025)
    assert city.totals.meetings_with_result == 3 + 60
    assert city.totals.voted_area == Decimal("1400.50") + 60 * Decimal("70.00")
    assert len(many.captured_queries) == small
    for q in many.captured_queries:
        assert "content" not in q["sql"].split("FROM")[0], q["sql"]  # never reads the frozen JSON


# --- a real result ------------------------------------------------------------------------------


def test_a_generated_result_reaches_the_dashboard(voting_world, staff, geo):  # R-RES-4, issue 6 oversight
    from ownervote.results.services import results
    from ownervote.voting.models import RollFlat
    from ownervote.voting.services.progress import voting_close
    from tests.voting.paper_fixtures import cast, close_now

    meeting = voting_world["meeting"]
    roll = list(RollFlat.objects.filter(meeting=meeting, flat=voting_world["flats"]["1栋-101"]))
    cast(meeting, roll, user=voting_world["zhang"])
    close_now(meeting)
    voting_close(meeting_id=meeting.pk)
    year = timezone.localtime(meeting.voting_closes_at, BJ).year
    before = oversight.dashboard(staff["street"], year=year)
    assert (before.totals.meetings_held, before.totals.meetings_with_result) == (1, 0)
    result = results.result_generate(actor=voting_world["convener"], meeting_id=meeting.pk)
    got = oversight.dashboard(staff["street"], year=year)
    outcome = result.content["result"]
    assert (got.totals.meetings_held, got.totals.meetings_with_result) == (1, 1)
    assert got.totals.voted_owners == outcome["participating"]["owners"] == 1
    assert got.totals.total_owners == outcome["totals"]["owners"]
    assert got.totals.voted_area == Decimal(outcome["participating"]["area"])
    assert got.totals.area_percent == tally.percent(
        Fraction(Decimal(outcome["participating"]["area"])) / Fraction(Decimal(outcome["totals"]["area"]))
    )
    # one voter of many: no item reached the quorum
    assert got.totals.items_no_quorum == len(outcome["items"]) and got.totals.items_passed == 0
    assert [r.meeting_id for r in got.latest] == [meeting.pk]
    city = oversight.dashboard(staff["city"], year=year)
    assert city.rows[0].meetings_with_result == 1 and city.rows[1].meetings_held == 0


# --- the page ---------------------------------------------------------------------------------------


URL = "/console/oversight/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_figures_charts_and_tables(staff, estates, board):  # issue 6 oversight
    assert reverse("results:oversight") == URL
    response = client_for(staff["street"]).get(URL, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    for anchor, value in (
        ('id="ov-meetings-held">', "4<"),
        ('id="ov-meetings-with-result">', "2<"),
        ('id="ov-area-percent">', "73.35%<"),
        ('id="ov-owners-percent">', "75.00%<"),
        ('id="ov-items-passed">', "3<"),
        ('id="ov-items-no-quorum">', "1<"),
    ):
        assert anchor + value in html, anchor
    assert f'data-id="{estates["a"].pk}"' in html and f'data-id="{estates["b"].pk}"' in html
    assert f'data-id="{estates["c"].pk}"' not in html and "科苑小区" not in html
    # the charts: inline SVG with a title and a description, each with a table of its figures
    for chart in ("ov-turnout", "ov-items"):
        assert f'<svg id="{chart}-chart" role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
        assert f'id="{chart}-table"' in html
    assert 'class="ov-area" x="170" y="24" width="336.2"' in html  # a: 70.05 % of 480 units
    assert 'data-kind="passed" data-n="2"' in html and 'data-kind="no_quorum" data-n="1"' in html
    assert "<script" not in html.split("</head>")[1]  # no chart library
    # the latest results link to each meeting's result page
    assert reverse("results:console", args=[board["A1"].pk]) in html
    assert reverse("results:console", args=[board["B1"].pk]) in html
    assert 'name="year"' in html and '<option value="2025" selected>' in html


def test_the_page_drills_down(staff, geo, board):  # issue 6 oversight
    client = client_for(staff["city"])
    html = client.get(URL, {"year": 2025}).content.decode()
    assert f'href="?division={geo["futian"].pk}&amp;year=2025" class="ov-drill"' in html
    response = client.get(URL, {"year": 2025, "division": geo["shatou"].pk})
    assert response.status_code == 200
    assert response.context["board"].scope == geo["shatou"]
    assert f'<input type="hidden" name="division" value="{geo["shatou"].pk}">' in response.content.decode()


def test_the_page_refuses_others(staff, geo, board):  # issue 6 oversight
    for who in ("convener", "other_convener", "community"):
        assert client_for(staff[who]).get(URL).status_code == 403, who
    assert client_for(staff["district"]).get(URL, {"division": geo["yuehai"].pk}).status_code == 404
    assert client_for(staff["street"]).get(URL, {"division": geo["futian"].pk}).status_code == 404
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_page_falls_back_on_a_bad_year(staff, board):  # issue 6 oversight
    response = client_for(staff["street"]).get(URL, {"year": "1800"})
    assert response.status_code == 200
    assert response.context["board"].year == oversight.this_year()
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_the_page_is_calm_without_results(staff):  # issue 6 oversight
    html = client_for(staff["district"]).get(URL, {"year": 2025}).content.decode()
    assert 'id="ov-turnout-empty"' in html and 'id="ov-latest-empty"' in html
    assert 'id="ov-area-percent">—<' in html


# --- the API ----------------------------------------------------------------------------------------


API = "/api/results/oversight"


def test_api_returns_the_same_figures(staff, geo, estates, board):  # issue 6 oversight
    body = client_for(staff["district"]).get(API, {"year": 2025}).json()
    assert body["year"] == 2025 and body["scope"]["id"] == geo["futian"].pk
    assert body["breakdown_kind"] == "street"
    totals = body["totals"]
    assert totals["meetings_held"] == 4 and totals["meetings_with_result"] == 2
    assert totals["meetings_without_result"] == 2
    assert Decimal(totals["voted_area"]) == Decimal("1100.50")
    assert Decimal(totals["total_area"]) == Decimal("1500.25")
    assert totals["area_share"] == "4402/6001" and totals["area_percent"] == "73.35"
    assert totals["owners_share"] == "3/4" and totals["owners_percent"] == "75.00"
    assert (totals["items_passed"], totals["items_failed"], totals["items_no_quorum"]) == (3, 1, 1)
    assert [r["name"] for r in body["breakdown"]] == ["沙头街道", "香蜜湖街道"]
    assert [r["meetings_held"] for r in body["breakdown"]] == [4, 0]
    assert body["breakdown"][1]["area_percent"] is None
    assert {r["meeting_id"] for r in body["latest"]} == {board["A1"].pk, board["B1"].pk}
    b1 = next(r for r in body["latest"] if r["meeting_id"] == board["B1"].pk)
    assert b1["result_number"] == 2 and b1["owners_percent"] == "83.33"
    drill = client_for(staff["district"]).get(API, {"year": 2025, "division_id": geo["shatou"].pk}).json()
    assert [r["id"] for r in drill["breakdown"]] == [estates["a"].pk, estates["b"].pk]
    assert [d["id"] for d in drill["trail"]] == [geo["futian"].pk, geo["shatou"].pk]


def test_api_refusals(staff, geo, board):  # issue 6 oversight
    cases = [
        (client_for(staff["convener"]), {}, 403, "oversight.forbidden"),
        (client_for(staff["street"]), {"division_id": geo["yuehai"].pk}, 404, "division.not_found"),
        (client_for(staff["city"]), {"year": 1999}, 422, "oversight.year_invalid"),
        (Client(), {}, 401, "auth.required"),
    ]
    for client, params, status, code in cases:
        response = client.get(API, params)
        assert response.status_code == status, (params, response.content)
        assert response.json()["error"]["code"] == code


def test_home_links_the_dashboard_for_supervising_staff(staff):  # issue 6 oversight
    home = reverse("console:home")
    for who in ("street", "district", "city"):
        html = client_for(staff[who]).get(home).content.decode()
        assert f'href="{URL}" id="home-oversight"' in html, who
    for who in ("convener", "community"):
        assert 'id="home-oversight"' not in client_for(staff[who]).get(home).content.decode(), who
