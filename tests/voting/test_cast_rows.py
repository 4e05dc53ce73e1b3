"""The cast reads the voter's eligibility rows, and the meeting, by plain statements
(``own_facts.own_rows``, ``core.rows.by_pk``) instead of the ORM's compiled queries (issue 21): what
they build must be what the ORM builds, on SQLite (dates as text, decimals as floats) as on
PostgreSQL. A field neither statement reads is deferred: reading it asks the database, it never
shows a default (R-VOTE-1, R-VOTE-9)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ownervote.core.rows import by_pk
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.voting.models import RollFlat
from ownervote.voting.services import own_facts
from ownervote.voting.services.own_facts import own_rows


def _values(obj, names) -> dict:
    return {n: getattr(obj, n) for n in names}


def test_the_eligibility_rows_are_those_the_orm_reads(cast_world):  # R-VOTE-1 R-VOTE-9
    w = cast_world
    meeting = w["meeting"]
    for person in ("zhang", "li", "wang", "zhao", "chen"):
        user = w[person]
        got = own_rows(user, meeting)
        orm = list(
            Eligibility.objects.filter(meeting=meeting, user=user)
            .select_related("flat__building", "binding__staff")
            .order_by("flat__sort_key", "pk")
        )
        assert [row.pk for row, _facts in got] == [row.pk for row in orm], person
        for (row, facts), want in zip(got, orm, strict=True):
            fields = ("id", "meeting_id", "binding_id", "flat_id", "user_id", "mode", "reason")
            assert _values(row, fields) == _values(want, fields)
            assert _values(row.flat, ("id", "building_id", "room", "sort_key")) == _values(
                want.flat, ("id", "building_id", "room", "sort_key")
            )
            assert row.flat.building.name == want.flat.building.name
            binding_fields = ("id", "flat_id", "status", "staff_id", "bound_at", "end_reason")
            assert _values(row.binding, binding_fields) == _values(want.binding, binding_fields)
            assert row.binding.bound_at.tzinfo is not None
            if want.binding.staff_id is None:
                assert row.binding.staff is None
            else:
                staff_fields = ("valid_from", "valid_until", "revoked_at")
                assert _values(row.binding.staff, staff_fields) == _values(want.binding.staff, staff_fields)
            roll = RollFlat.objects.get(meeting=meeting, flat_id=row.flat_id)
            assert _values(facts.roll, ("id", "building_id", "area", "owner_group")) == _values(
                roll, ("id", "building_id", "area", "owner_group")
            )
            assert str(facts.roll.area) == str(roll.area)  # 95.25, not 95.250000001 or 95.2500
            assert facts.voted_at is None
    assert any(row.binding.staff is not None for row, _f in own_rows(w["chen"], meeting))


def test_a_field_not_read_is_deferred_not_a_default(cast_world):
    w = cast_world
    (row, _facts), *_ = own_rows(w["zhang"], w["meeting"])
    with CaptureQueriesContext(connection) as q:
        area = row.flat.area
    assert len(q.captured_queries) == 1
    assert area == type(row.flat).objects.get(pk=row.flat_id).area


def test_a_cast_flat_says_when_it_voted(cast_world, client):  # R-VOTE-3
    w = cast_world
    client.force_login(w["zhang"])
    r = client.post(
        f"/api/voting/meetings/{w['meeting'].pk}/ballots",
        {"flat_ids": [w["flat"]["1栋-101"]], "answers": w["answers"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    ((_row, facts),) = own_rows(w["zhang"], w["meeting"])
    assert facts.voted_at is not None and facts.voted_at.tzinfo is not None
    assert facts.group_counted and facts.group_counted_here


def test_the_meeting_by_its_key_is_the_orm_s(cast_world):
    meeting = cast_world["meeting"]
    got = by_pk(Meeting, meeting.pk, related=("estate",))
    want = Meeting.objects.select_related("estate").get(pk=meeting.pk)
    names = [f.attname for f in Meeting._meta.concrete_fields]
    assert _values(got, names) == _values(want, names)
    estate_names = [f.attname for f in type(want.estate)._meta.concrete_fields]
    with CaptureQueriesContext(connection) as q:
        assert _values(got.estate, estate_names) == _values(want.estate, estate_names)
    assert len(q.captured_queries) == 0  # joined, not read again


def test_no_meeting_for_a_missing_or_malformed_key(cast_world):
    assert by_pk(Meeting, 10**9) is None
    assert by_pk(Meeting, "x") is None
    assert by_pk(Meeting, None) is None
    assert by_pk(Meeting, 2**64) is None
    assert by_pk(Meeting, -(2**63) - 1) is None


def test_the_meeting_and_the_voters_rows_read_together_are_those_read_apart(cast_world):  # R-VOTE-4
    """A cast in person reads the meeting and the voter's rows in one statement (one snapshot,
    one round trip): the same meeting, estate and rows as the separate reads, in page order."""
    w = cast_world
    meeting = w["meeting"]
    apart = by_pk(Meeting, meeting.pk, related=("estate",))
    names = [f.attname for f in Meeting._meta.concrete_fields]
    for person in ("zhang", "li", "wang", "zhao", "chen", "convener"):
        got, read = own_facts.meeting_and_own(w[person], meeting.pk)
        assert _values(got, names) == _values(apart, names), person
        assert got.estate.pk == apart.estate.pk and got.estate.name == apart.estate.name
        together = [(row.pk, facts) for row, facts in own_rows(w[person], got, read)]
        assert together == [(row.pk, facts) for row, facts in own_rows(w[person], meeting)], person
    assert own_facts.meeting_and_own(w["convener"], meeting.pk)[1] == []  # no eligibility: none
    assert own_facts.meeting_and_own(w["zhang"], 10**12) == (None, [])  # no such meeting
    assert own_facts.meeting_and_own(w["zhang"], "x") == (None, [])
