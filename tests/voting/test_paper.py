"""The public count of paper ballots (R-PAPER-1..4, R-TALLY-9): opening a session with its three
roles, entry flat by flat, the second independent entry, a counted owner's disagreeing papers,
the close date, and the commit that writes paper ballots next to the electronic ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings.models import Meeting
from ownervote.notify.models import Notification
from ownervote.voting.models import Ballot, Choice, CountSession, PaperEntry
from ownervote.voting.services import paper, paper_ballots, progress
from tests.voting.paper_fixtures import (
    cast,
    close_now,
    closed,
    labelled,
    open_session,
    roll_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_world(voting_world):
    return closed(voting_world)


def _close_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.voting_closes_at).date()


def _save(w, session, label, answers, *, round=1, dated_on=None, actor=None, **kw):
    return paper.entry_save(
        actor=actor or w["convener"],
        session_id=session.pk,
        flat_id=w["roll"][label].flat_id,
        round=round,
        answers=answers,
        dated_on=dated_on or _close_day(w["meeting"]),
        **{"received_at": w["meeting"].voting_closes_at - dt.timedelta(hours=1), "received_via": "box", **kw},
    )


def _yes(w) -> dict:
    return {str(w["question"].pk): "yes"}


def _head(meeting) -> progress.Counted:
    return progress.counted(meeting.pk)


# --- opening ----------------------------------------------------------------------------------


def test_open_records_the_three_roles_and_invites_the_street_office(closed_world):  # R-PAPER-3
    w = closed_world
    session = open_session(w["convener"], w["meeting"], double_entry=True)
    assert (session.caller, session.counter, session.scrutineer) == ("陈唱票", "林计票", "黄监票")
    assert list(session.invited.all()) == [w["street"]]
    note = Notification.objects.get(user=w["street"], kind="voting.count_session")
    assert "会所一楼" in note.body and "陈唱票" in note.body
    assert AuditEvent.objects.filter(action="paper.session_opened").count() == 1


@pytest.mark.parametrize("missing", ["caller", "counter", "scrutineer"])
def test_open_refused_without_each_role(closed_world, missing):  # R-PAPER-3
    w = closed_world
    with pytest.raises(InvalidInput) as exc:
        open_session(w["convener"], w["meeting"], **{missing: "  "})
    assert set(exc.value.details) == {missing}
    assert not CountSession.objects.exists()
    assert not AuditEvent.objects.filter(action="paper.session_opened").exists()


def test_open_refused_before_the_close(voting_world):  # R-PAPER-3 (opened after the close)
    w = voting_world
    with pytest.raises(Conflict) as exc:
        open_session(w["convener"], w["meeting"])
    assert exc.value.code == "paper.not_closed"
    assert not CountSession.objects.exists()


def test_open_refused_for_others_and_for_an_electronic_meeting(closed_world, make_voting_meeting):
    w = closed_world
    with pytest.raises(Forbidden):
        open_session(w["street"], w["meeting"])
    with pytest.raises(NotFound):
        open_session(w["zhang"], w["meeting"].__class__(pk=10**6))
    electronic = close_now(make_voting_meeting(method="electronic"))
    with pytest.raises(Conflict) as exc:
        open_session(w["convener"], electronic)
    assert exc.value.code == "paper.not_paper"


def test_one_open_session_per_meeting_and_invited_must_be_street_office(closed_world):
    w = closed_world
    with pytest.raises(InvalidInput) as exc:
        open_session(w["convener"], w["meeting"], invited_ids=[w["zhang"].pk])
    assert "invited_ids" in exc.value.details
    open_session(w["convener"], w["meeting"])
    with pytest.raises(Conflict) as exc:
        open_session(w["convener"], w["meeting"])
    assert exc.value.code == "paper.session_open"


# --- entry ------------------------------------------------------------------------------------


def test_paper_dated_after_the_close_is_refused_and_the_close_day_accepted(closed_world):  # R-PAPER-2
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    day = _close_day(w["meeting"])
    with pytest.raises(InvalidInput) as exc:
        _save(w, session, "1栋-101", _yes(w), dated_on=day + dt.timedelta(days=1))
    assert exc.value.code == "paper.after_close"
    assert not PaperEntry.objects.exists()
    entry = _save(w, session, "1栋-101", _yes(w), dated_on=day)
    assert entry.dated_on == day


def test_entry_checks_answers_like_the_electronic_ballot(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    with pytest.raises(InvalidInput) as exc:
        _save(w, session, "1栋-101", {str(w["question"].pk): "maybe"})
    assert f"item:{w['question'].pk}" in exc.value.details
    too_many = [c.pk for c in w["candidates"]]
    with pytest.raises(InvalidInput):
        _save(w, session, "1栋-101", {str(w["election"].pk): too_many})
    with pytest.raises(InvalidInput) as exc:
        _save(w, session, "1栋-101", {})
    assert exc.value.code == "ballot.empty"
    assert not PaperEntry.objects.exists()
    # a spoilt paper is recorded without answers
    assert _save(w, session, "1栋-101", {}, invalid=True).invalid


def test_keyed_answers_from_what_the_clerk_types(closed_world):
    w = closed_world
    items = labelled(w["meeting"])["items"]
    q, e, c = w["question"], w["election"], w["candidates"]
    got = paper_ballots.keyed_answers(items, {str(q.pk): "2", str(e.pk): "13"})
    assert got == {str(q.pk): "no", str(e.pk): [c[0].pk, c[2].pk]}
    assert paper_ballots.keyed_answers(items, {str(e.pk): "0"}) == {str(e.pk): "abstain"}
    assert paper_ballots.typed_from(items, got) == {str(q.pk): "2", str(e.pk): "1 3"}
    with pytest.raises(InvalidInput) as exc:
        paper_ballots.keyed_answers(items, {str(q.pk): "4", str(e.pk): "9"})
    assert set(exc.value.details) == {f"item:{q.pk}", f"item:{e.pk}"}


def test_find_flat_by_label_and_qr(closed_world):
    w = closed_world
    m, flat = w["meeting"], w["roll"]["1栋-101"]
    for typed in ("1栋-101", "1-101", "1 101", "1栋101", "1101"):
        assert paper_ballots.find_flat(m, typed).flat_id == flat.flat_id, typed
    assert paper_ballots.find_flat(m, paper_ballots.qr_payload(m.pk, flat.flat_id)).flat_id == flat.flat_id
    forged = paper_ballots.qr_payload(m.pk, flat.flat_id)[:-1] + "0"
    forged = forged if forged != paper_ballots.qr_payload(m.pk, flat.flat_id) else forged[:-1] + "1"
    with pytest.raises(InvalidInput) as exc:
        paper_ballots.find_flat(m, forged)
    assert exc.value.code == "paper.forged_qr"
    signature = paper_ballots.qr_payload(m.pk, flat.flat_id).split(":")[3]
    other = f"OVB:{m.pk}:{w['roll']['1栋-102'].flat_id}:{signature}"
    with pytest.raises(InvalidInput):
        paper_ballots.find_flat(m, other)
    with pytest.raises(InvalidInput) as exc:
        paper_ballots.find_flat(m, "9-999")
    assert exc.value.code == "paper.unknown_flat"


def test_second_round_needs_double_entry_and_mismatch_blocks_commit(closed_world):
    w = closed_world
    single = open_session(w["convener"], w["meeting"])
    with pytest.raises(Conflict) as exc:
        _save(w, single, "1栋-101", _yes(w), round=2)
    assert exc.value.code == "paper.no_double_entry"
    assert not PaperEntry.objects.exists()
    paper.session_commit(actor=w["convener"], session_id=single.pk)  # an empty count closes

    session = open_session(w["convener"], w["meeting"], double_entry=True)
    _save(w, session, "1栋-101", _yes(w))
    # only one round: not ready
    with pytest.raises(Conflict) as exc:
        paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert exc.value.code == "paper.unresolved"
    assert exc.value.details["missing_second"] == ["1栋-101"]
    _save(w, session, "1栋-101", {str(w["question"].pk): "no"}, round=2)
    [mismatch] = paper.mismatches(session)
    assert mismatch.label == "1栋-101"
    with pytest.raises(Conflict):
        paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert not Ballot.objects.exists()
    _save(w, session, "1栋-101", {str(w["question"].pk): "no"}, round=3)
    assert paper.mismatches(session) == []
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    ballot = Ballot.objects.get()
    assert ballot.choices.get().answer == "no"


def test_agreeing_rounds_commit(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"], double_entry=True)
    _save(w, session, "1栋-102", _yes(w))
    _save(w, session, "1栋-102", _yes(w), round=2)
    assert paper.state(session).ready
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert Ballot.objects.filter(channel="paper").count() == 1


def test_resolution_needs_an_entry(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    with pytest.raises(Conflict) as exc:
        _save(w, session, "1栋-101", _yes(w), round=3)
    assert exc.value.code == "paper.nothing_to_resolve"


def test_group_conflict_flagged_and_resolved(closed_world):  # R-TALLY-9
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    assert w["roll"]["1栋-201"].owner_group == w["roll"]["2栋-201"].owner_group  # 赵六's two flats
    _save(w, session, "1栋-201", _yes(w))
    _save(w, session, "2栋-201", {str(w["question"].pk): "no"})
    [conflict] = paper.group_conflicts(session)
    assert sorted(f.label for f in conflict) == ["1栋-201", "2栋-201"]
    with pytest.raises(Conflict) as exc:
        paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert exc.value.details["conflicts"] == [["1栋-201", "2栋-201"]]
    assert not Ballot.objects.exists()
    _save(w, session, "2栋-201", _yes(w), round=3)
    assert paper.group_conflicts(session) == []
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert _head(w["meeting"]).owners_voted == 1  # one counted owner for two flats


def test_entry_delete_and_closed_session(closed_world):
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    _save(w, session, "1栋-101", _yes(w))
    flat_id = w["roll"]["1栋-101"].flat_id
    with pytest.raises(Forbidden):
        paper.entry_delete(actor=w["street"], session_id=session.pk, flat_id=flat_id, round=1)
    paper.entry_delete(actor=w["convener"], session_id=session.pk, flat_id=flat_id, round=1)
    assert not PaperEntry.objects.exists()
    with pytest.raises(NotFound):
        paper.entry_delete(actor=w["convener"], session_id=session.pk, flat_id=flat_id, round=1)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    with pytest.raises(Conflict) as exc:
        _save(w, session, "1栋-101", _yes(w))
    assert exc.value.code == "paper.session_committed"


# --- commit -----------------------------------------------------------------------------------


def test_commit_writes_ballots_and_counters(closed_world):  # R-PAPER-1 R-PAPER-3
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    before = _head(w["meeting"])
    _save(w, session, "1栋-101", _yes(w))
    _save(
        w, session, "1栋-102", {str(w["question"].pk): "no", str(w["election"].pk): [w["candidates"][1].pk]}
    )
    _save(w, session, "2栋-301", {}, invalid=True)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    session.refresh_from_db()
    assert session.status == CountSession.Status.COMMITTED and session.committed_by == w["convener"]
    ballots = Ballot.objects.filter(count_session=session).order_by("flat_id")
    assert [b.channel for b in ballots] == ["paper", "paper"]
    assert all(b.dated_on == _close_day(w["meeting"]) for b in ballots)
    partial = {b.flat_id: b.partial for b in ballots}  # R-TALLY-1: an unmarked item makes it partial
    assert partial == {w["roll"]["1栋-101"].flat_id: True, w["roll"]["1栋-102"].flat_id: False}
    head = _head(w["meeting"])
    assert head.paper == before.paper + 2 and head.flats_voted == before.flats_voted + 2
    assert head.area_voted == before.area_voted + w["roll"]["1栋-101"].area + w["roll"]["1栋-102"].area
    event = AuditEvent.objects.get(action="paper.committed")
    assert (
        event.summary["entered"] == 3 and event.summary["invalid"] == 1 and event.summary["superseded"] == 0
    )
    with pytest.raises(Conflict):
        paper.session_commit(actor=w["convener"], session_id=session.pk)


def test_electronic_ballot_supersedes_paper(closed_world):  # R-PAPER-1
    w = closed_world
    cast(w["meeting"], [w["roll"]["1栋-101"]], user=w["zhang"])
    counts = _head(w["meeting"])
    session = open_session(w["convener"], w["meeting"])
    _save(w, session, "1栋-101", {str(w["question"].pk): "no"})
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    kept = Ballot.objects.get(channel="paper")
    assert kept.superseded is True
    assert list(Choice.objects.filter(ballot=kept).values_list("counted", flat=True)) == [False]
    assert Ballot.objects.get(channel="electronic").superseded is False
    after = _head(w["meeting"])
    assert (after.flats_voted, after.area_voted, after.owners_voted, after.paper) == (
        counts.flats_voted,
        counts.area_voted,
        counts.owners_voted,
        counts.paper,
    )
    assert AuditEvent.objects.get(action="paper.committed").summary["superseded"] == 1


def test_a_flat_counted_on_paper_once(closed_world):
    w = closed_world
    first = open_session(w["convener"], w["meeting"])
    _save(w, first, "1栋-101", _yes(w))
    paper.session_commit(actor=w["convener"], session_id=first.pk)
    second = open_session(w["convener"], w["meeting"])
    with pytest.raises(Conflict) as exc:
        _save(w, second, "1栋-101", _yes(w))
    assert exc.value.code == "paper.already_counted"


def test_any_roll_flat_may_hand_in_paper_including_paper_only(closed_world):  # R-VOTE-4
    w = closed_world
    session = open_session(w["convener"], w["meeting"])
    for label in w["roll"]:  # every flat on the roll, bound or not
        _save(w, session, label, _yes(w))
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert Ballot.objects.filter(channel="paper", superseded=False).count() == len(w["roll"])


def test_wholly_paper_meeting(owner_world, staff, make_voting_meeting):  # R-PAPER-4
    convener = staff["convener"]
    meeting = close_now(make_voting_meeting(method="paper"))
    roll = roll_of(meeting)
    items = labelled(meeting)
    session = open_session(convener, meeting)
    answers = paper_ballots.keyed_answers(
        items["items"], {str(items["question"].pk): "1", str(items["election"].pk): "1 2"}
    )
    for label in ("1栋-101", "2栋-301", "2栋-302"):
        paper.entry_save(
            actor=convener,
            session_id=session.pk,
            flat_id=roll[label].flat_id,
            round=1,
            answers=answers,
            dated_on=_close_day(meeting),
            received_at=meeting.voting_closes_at,
            received_via="box",
        )
    paper.session_commit(actor=convener, session_id=session.pk)
    head = _head(meeting)
    assert (
        head.paper == 3 and head.electronic == 0 and head.owners_voted == 2
    )  # developer's two flats: one owner
