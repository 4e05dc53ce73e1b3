"""Live progress (R-VOTE-2, R-VOTE-3): ``progress.add_ballots`` keeps the ``Progress`` rows equal
to a recount of the counted ballots, ``figures`` reads them, the convener's page refreshes them
without reload and lists the flats that have not voted (never how anyone voted)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.voting.models import Channel, Progress, RollFlat
from ownervote.voting.services import progress

from .progress_fixtures import cast, counters, recount

pytestmark = pytest.mark.django_db


def roll_of(meeting, *labels):
    rows = {
        f"{r.building.name}-{r.flat.room}": r
        for r in RollFlat.objects.filter(meeting=meeting).select_related("flat", "building")
    }
    return [rows[label] for label in labels]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- counters ----------------------------------------------------------------------------------


def test_add_ballots_counts_flats_area_and_owners(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    before = progress.figures(meeting)
    assert before["flats_voted"] == 0
    assert before["flats_total"] == RollFlat.objects.filter(meeting=meeting).count()
    assert before["flats_percent"] == "0.00"
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    after = progress.figures(meeting)
    assert after["flats_voted"] == 1
    assert after["area_voted"] == Decimal("89.50")
    assert after["owners_voted"] == 1
    assert (after["electronic"], after["paper"]) == (1, 0)
    one = next(b for b in after["buildings"] if b["building"] == "1栋")
    assert (one["flats_voted"], one["area_voted"], one["owners_voted"]) == (1, Decimal("89.50"), 1)
    assert counters(meeting) == recount(meeting)


def test_percentages_are_exact_strings(voting_world):  # R-VOTE-2
    assert progress.percent(1, 3) == "33.33"
    assert progress.percent(2, 3) == "66.67"
    assert progress.percent(Decimal("89.50"), Decimal("89.50")) == "100.00"
    assert progress.percent(Decimal("0.005"), 1) == "0.50"
    assert progress.percent(1, 0) == "0.00"
    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    f = progress.figures(meeting)
    assert f["area_percent"] == progress.percent(f["area_voted"], f["area_total"])
    assert isinstance(f["area_percent"], str)


def test_an_owner_of_several_flats_counts_once(voting_world):  # R-VOTE-2 R-TALLY-9
    meeting = voting_world["meeting"]
    # 赵六 owns 1栋-201 and 2栋-201: one counted owner across two buildings.
    zhao = roll_of(meeting, "1栋-201", "2栋-201")
    assert zhao[0].owner_group == zhao[1].owner_group
    cast(meeting, zhao[:1], channel=Channel.PAPER, by=voting_world["convener"])
    cast(meeting, zhao[1:], channel=Channel.PAPER, by=voting_world["convener"])
    f = progress.figures(meeting)
    assert (f["flats_voted"], f["owners_voted"], f["paper"]) == (2, 1, 2)
    by_name = {b["building"]: b for b in f["buildings"]}
    assert by_name["1栋"]["owners_voted"] == 1 and by_name["2栋"]["owners_voted"] == 1
    assert counters(meeting) == recount(meeting)


def test_superseded_ballots_are_not_counted(voting_world):  # R-VOTE-2 R-PAPER-1
    meeting = voting_world["meeting"]
    ballots = cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    before = counters(meeting)
    for b in ballots:
        b.superseded = True  # as the paper count passes a superseded paper ballot (not saved)
    progress.add_ballots(meeting=meeting, ballots=ballots)
    progress.add_ballots(meeting=meeting, ballots=[])
    assert counters(meeting) == before


def test_add_ballots_is_a_few_queries(voting_world, django_assert_max_num_queries):  # R-VOTE-2
    meeting = voting_world["meeting"]
    from django.utils import timezone

    from ownervote.voting.models import Submission
    from ownervote.voting.services import answers

    from .progress_fixtures import clean_yes

    sub = Submission.objects.create(
        meeting=meeting,
        code="Q000000001",
        salt="s",
        digest="0" * 64,
        user=voting_world["zhang"],
        cast_at=timezone.now(),
    )
    ballots = answers.write(
        meeting=meeting,
        roll=roll_of(meeting, "1栋-101"),
        ballot=clean_yes(meeting),
        channel=Channel.ELECTRONIC,
        cast_at=timezone.now(),
        submission=sub,
        cast_by=voting_world["zhang"],
    )
    with django_assert_max_num_queries(3):  # the roll (+ groups seen), one building, the meeting row
        progress.add_ballots(meeting=meeting, ballots=ballots)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_counters_equal_a_recount_after_random_casts(voting_world, data):  # R-VOTE-2 R-TALLY-9
    meeting = voting_world["meeting"]
    with transaction.atomic():
        roll = list(RollFlat.objects.filter(meeting=meeting).order_by("flat_id"))
        # random counted owners: flats share a group at random, across buildings too
        groups = data.draw(st.lists(st.integers(0, 3), min_size=len(roll), max_size=len(roll)))
        for r, g in zip(roll, groups, strict=True):
            r.owner_group = f"g{g}"
        RollFlat.objects.bulk_update(roll, ["owner_group"])
        order = data.draw(st.permutations(roll))
        cut = data.draw(st.integers(0, len(order)))
        voting = order[:cut]
        rnd = random.Random(data.draw(st.integers(0, 10_000)))
        while voting:
            size = rnd.randint(1, min(3, len(voting)))
            batch, voting = voting[:size], voting[size:]
            channel = rnd.choice([Channel.ELECTRONIC, Channel.PAPER])
            cast(meeting, batch, channel=channel, user=voting_world["zhang"], by=voting_world["convener"])
        assert counters(meeting) == recount(meeting)
        f = progress.figures(meeting)
        assert f["flats_voted"] == cut
        assert f["owners_voted"] == len({r.owner_group for r in order[:cut]})
        transaction.set_rollback(True)


# --- the console page --------------------------------------------------------------------------


def test_progress_page_for_convener_and_street_office(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    url = reverse("voting:progress", args=[meeting.pk])
    page = client_for(voting_world["convener"]).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="vp-flats-voted">1<' in html
    assert 'hx-trigger="every 10s"' in html
    assert 'id="vp-remind"' in html and 'id="vp-ext-request"' in html
    street = client_for(voting_world["street"]).get(url)
    assert street.status_code == 200
    html = street.content.decode()
    assert 'id="vp-flats-voted">1<' in html
    assert 'id="vp-remind"' not in html and 'id="vp-ext-request"' not in html  # read only


def test_progress_page_refused_to_others(voting_world, staff):  # R-VOTE-2
    meeting = voting_world["meeting"]
    url = reverse("voting:progress", args=[meeting.pk])
    assert client_for(staff["city"]).get(url).status_code == 403
    assert client_for(staff["other_convener"]).get(url).status_code == 404
    assert client_for(voting_world["zhang"]).get(url).status_code in (302, 403, 404)
    assert Client().get(url).status_code == 302


def test_htmx_gets_the_figures_fragment(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    c = client_for(voting_world["convener"])
    url = reverse("voting:progress", args=[meeting.pk])
    first = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert first.lstrip().startswith("<section") or 'id="vp-figures"' in first
    assert "<html" not in first
    assert 'id="vp-flats-voted">0<' in first
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    assert 'id="vp-flats-voted">1<' in c.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_progress_page_query_count_is_constant(voting_world, django_assert_max_num_queries):  # R-VOTE-2
    meeting = voting_world["meeting"]
    c = client_for(voting_world["convener"])
    url = reverse("voting:progress", args=[meeting.pk])
    c.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(40) as few:
        c.get(url)
    baseline = len(few.captured_queries)
    for labels in (("1栋-101",), ("1栋-102",), ("2栋-301", "2栋-302")):
        cast(meeting, roll_of(meeting, *labels), user=voting_world["zhang"])
    with django_assert_max_num_queries(baseline):
        c.get(url)
    with django_assert_max_num_queries(12):
        c.get(url, HTTP_HX_REQUEST="true")


def test_not_voted_list(voting_world):  # R-VOTE-2
    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    left = {(r.building.name, r.flat.room) for r in progress.not_voted(meeting)}
    assert ("1栋", "101") not in left
    assert ("1栋", "102") in left
    assert len(left) == RollFlat.objects.filter(meeting=meeting).count() - 1
    two = Progress.objects.get(meeting=meeting, building__name="2栋").building_id
    assert {r.building_id for r in progress.not_voted(meeting, building_id=two)} == {two}
    c = client_for(voting_world["convener"])
    html = c.get(reverse("voting:progress", args=[meeting.pk]) + f"?building={two}").content.decode()
    table = html[html.index('id="vp-not-voted-table"') :]
    assert "2栋" in table and "<td>1栋</td>" not in table
    assert "张三" not in html  # masked names only
    # the API: the same list, never an answer
    api = c.get(f"/api/voting/meetings/{meeting.pk}/not-voted").json()
    assert api["count"] == len(left)
    flat = next(f for f in api["flats"] if f["room"] == "102")
    assert set(flat) == {"flat_id", "building_id", "building", "room", "area", "owners"}
    assert len(flat["owners"]) == 2 and "李四" not in flat["owners"]  # masked names of the co-owners


def test_not_voted_pages_read_from_the_counters_match_the_full_list(voting_world):  # R-VOTE-2
    """The page's list is paged from the counters, one building at a time (issue 7: a 50,000-flat
    roll is never scanned whole for a page): every window of it is the same as the same window of
    the full list, whatever the page size, for the whole estate and for each building."""
    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    buildings = progress.figures(meeting)["buildings"]
    assert len(buildings) >= 2
    for building_id in [None, *(b["building_id"] for b in buildings)]:
        full = list(progress.not_voted(meeting, building_id=building_id))
        paged = progress.NotVotedList(meeting, buildings, building_id)
        assert paged.count() == len(full) > 0
        for start in range(len(full) + 1):
            for stop in range(start, len(full) + 2):
                assert [r.pk for r in paged[start:stop]] == [r.pk for r in full[start:stop]], (start, stop)


def test_owner_who_voted_sees_the_figures(voting_world):  # R-VOTE-3
    meeting = voting_world["meeting"]
    url = f"/api/voting/meetings/{meeting.pk}/progress"
    zhang = client_for(voting_world["zhang"])
    assert zhang.get(url).status_code == 403
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    body = zhang.get(url).json()
    assert body["flats_voted"] == 1 and body["buildings"]
    assert client_for(voting_world["li"]).get(url).status_code == 403


# --- a page of buildings, the not-voted API from the counters (issue 21) -----------------------


def _rows(html: str) -> list[str]:
    """The building names of the by-building table, in order."""
    table = html[html.index('id="vp-buildings"') : html.index("</table>", html.index('id="vp-buildings"'))]
    return [cell.split("</th>")[0] for cell in table.split('<th scope="row">')[1:]]


def test_refresh_renders_one_page_of_buildings_lowest_turnout_first(voting_world, monkeypatch):  # R-VOTE-2
    """Issue 21: the 10-second refresh renders the totals and the page of buildings in view (not
    every building of a large estate), the lowest turnout first by default or by name, with links
    to the other pages; the poll asks again for the same page."""
    from ownervote.voting.views import progress as views

    monkeypatch.setattr(views, "BUILDINGS_PAGE", 1)
    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101", "1栋-102"), user=voting_world["zhang"])
    names = [b["building"] for b in progress.figures(meeting)["buildings"]]
    assert len(names) >= 2 and names[0] == "1栋"
    c = client_for(voting_world["convener"])
    url = reverse("voting:progress", args=[meeting.pk])
    first = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in first and 'id="vp-flats-voted">2<' in first  # the totals stay whole
    assert _rows(first) != ["1栋"] and len(_rows(first)) == 1  # 1栋 has the highest turnout: last
    assert 'id="vp-bpage-next"' in first and "bpage=2" in first and 'id="vp-bpage-prev"' not in first
    last = c.get(url + f"?bpage={len(names)}", HTTP_HX_REQUEST="true").content.decode()
    assert _rows(last) == ["1栋"] and 'id="vp-bpage-next"' not in last
    assert f'hx-get="{url}?bpage={len(names)}"' in last  # the poll keeps the page in view
    by_name = c.get(url + "?bsort=name", HTTP_HX_REQUEST="true").content.decode()
    assert _rows(by_name) == ["1栋"] and 'aria-current="true">' in by_name
    assert c.get(url + "?bsort=name&bpage=junk", HTTP_HX_REQUEST="true").status_code == 200
    page = c.get(url + "?bsort=name&bpage=2").content.decode()  # the full page: the same paging
    assert _rows(page) == [names[1]] and 'name="bsort" value="name"' in page


def test_not_voted_api_pages_from_the_counters(voting_world):  # R-VOTE-2 R-VOTE-3
    """Issue 21: the API's list is paged from the counters like the console page's (only the
    buildings of the page are read): walking ``next_offset`` from 0 gives the full list in its
    documented order, ``count`` is its length, and nothing says how anyone voted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = voting_world["meeting"]
    cast(meeting, roll_of(meeting, "1栋-101"), user=voting_world["zhang"])
    c = client_for(voting_world["convener"])
    api = f"/api/voting/meetings/{meeting.pk}/not-voted"
    full = [r.flat_id for r in progress.not_voted(meeting)]
    for limit in (1, 2, 3, 500):
        walked, offset = [], 0
        while offset is not None:
            body = c.get(api, {"offset": offset, "limit": limit}).json()
            assert body["count"] == len(full) and body["limit"] == limit and body["offset"] == offset
            assert len(body["flats"]) <= limit
            walked += [f["flat_id"] for f in body["flats"]]
            offset = body["next_offset"]
        assert walked == full
    past = c.get(api, {"offset": len(full) + 5}).json()
    assert past["flats"] == [] and past["next_offset"] is None and past["count"] == len(full)
    assert c.get(api, {"limit": 10_000}).json()["limit"] == 500
    two = Progress.objects.get(meeting=meeting, building__name="2栋").building_id
    only = c.get(api, {"building_id": two}).json()
    assert {f["building_id"] for f in only["flats"]} == {two}
    assert only["count"] == len(list(progress.not_voted(meeting, building_id=two)))
    with CaptureQueriesContext(connection) as queries:
        body = c.get(api, {"limit": 1}).json()
    anti_joins = [q["sql"] for q in queries if "NOT (EXISTS" in q["sql"] or "NOT EXISTS" in q["sql"]]
    assert anti_joins and all('"building_id" IN' in sql for sql in anti_joins)  # one building, not the roll
    assert set(body) == {"count", "offset", "limit", "next_offset", "flats"}
    assert set(body["flats"][0]) == {"flat_id", "building_id", "building", "room", "area", "owners"}
