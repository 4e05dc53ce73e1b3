"""The database count (``results.services.counting``) gives exactly what the pure rules give
(``rules.tally``) over the same counted ballots: electronic ballots cast through the real service,
paper ballots through the count sessions, a paper ballot superseded by an electronic one, partial
ballots, elections, and the fallback for a counted owner whose paper ballots disagree (R-TALLY-1..9,
R-ROSTER-3, R-PAPER-1, R-RES-1). Runs on SQLite by default and on PostgreSQL unchanged."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from ownervote.meetings.models import Meeting
from ownervote.results.services import counting
from ownervote.rules import tally
from ownervote.voting.models import Ballot, Channel
from ownervote.voting.services import paper, progress
from ownervote.voting.services.cast import ballot_cast
from tests.voting.paper_fixtures import close_now, open_session, roll_of

pytestmark = pytest.mark.django_db

D = Decimal


def _cast(w, who, labels, answers):
    return ballot_cast(
        actor=w[who],
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flat"][label] for label in labels],
        answers=answers,
    )


def _close(meeting):
    close_now(meeting)
    progress.voting_close(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return meeting


def _paper(w, roll, entries: dict[str, dict]):
    """One count session entering ``entries`` (label -> answers), committed."""
    session = open_session(w["convener"], w["meeting"])
    day = timezone.localtime(w["meeting"].voting_closes_at).date()
    for label, answers in entries.items():
        paper.entry_save(
            actor=w["convener"],
            session_id=session.pk,
            flat_id=roll[label].flat_id,
            round=1,
            answers=answers,
            dated_on=day,
            received_at=w["meeting"].voting_closes_at,  # the box, collected at the close (R-PAPER-2)
            received_via="box",
        )
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    return session


def assert_db_equals_pure(meeting) -> tally.MeetingResult:
    """counts_from_db == tally.count over ballot_rows, and compute() == tally.tally, with 随多数 on
    and off; returns the result computed from the database (follow_majority off)."""
    items = counting.items_of(meeting)
    totals = counting.totals_of(meeting)
    flat_ballots = [r.flat_ballot() for r in counting.ballot_rows(meeting)]
    from_db = counting.counts_from_db(meeting, items)
    pure = tally.count(items, flat_ballots)
    assert from_db == pure
    for follow in (False, True):
        Meeting.objects.filter(pk=meeting.pk).update(follow_majority=follow)  # frozen at publicity
        meeting.refresh_from_db()
        computed = counting.compute(meeting)
        assert computed.follow_majority is follow
        assert tally.to_json(computed) == tally.to_json(
            tally.tally(totals, items, flat_ballots, follow_majority=follow)
        )
    Meeting.objects.filter(pk=meeting.pk).update(follow_majority=False)  # frozen at publicity
    meeting.refresh_from_db()
    return counting.compute(meeting)


def _by_id(result, item) -> tally.ItemResult:
    return next(r for r in result.items if r.item_id == item.pk)


# --- electronic and paper ballots together ---------------------------------------------------------


def test_db_count_equals_pure_count_with_a_superseded_paper_ballot(cast_world):
    # R-TALLY-1 R-TALLY-4 R-TALLY-6 R-TALLY-9 R-ROSTER-3 R-PAPER-1 R-RES-1
    w = cast_world
    q, e = str(w["question"].pk), str(w["election"].pk)
    c = [x.pk for x in w["candidates"]]
    _cast(w, "zhang", ["1栋-101"], {q: "yes", e: [c[0], c[1], c[2]]})
    _cast(w, "li", ["1栋-102"], {e: [c[1]]})  # the question left unmarked: a partial ballot
    _cast(w, "zhao", ["1栋-201", "2栋-201"], {q: "no", e: "abstain"})  # one owner, two flats
    _cast(w, "chen", ["2栋-301", "2栋-302"], {q: "yes", e: [c[0], c[1]]})  # the developer's flats
    meeting = _close(w["meeting"])
    roll = roll_of(meeting)
    # 张三 also handed in a paper ballot saying no: the electronic one is kept (R-PAPER-1)
    _paper(w, roll, {"1栋-101": {q: "no", e: [c[3]]}})

    superseded = counting.ballot_rows(meeting, superseded=True)
    assert [(r.flat_id, r.channel) for r in superseded] == [(roll["1栋-101"].flat_id, Channel.PAPER)]
    rows = counting.ballot_rows(meeting)
    assert len(rows) == 6 and {r.channel for r in rows} == {Channel.ELECTRONIC}
    assert next(r for r in rows if r.flat_id == roll["1栋-101"].flat_id).answers[w["question"].pk] == "yes"

    result = assert_db_equals_pure(meeting)
    # 4 counted owners, 564.75 m² (the parking space does not count): everybody took part
    assert result.totals == tally.Totals(area=D("564.75"), owners=4, flats=6)
    assert result.participating == tally.Share(D("564.75"), 4)
    assert result.flats == 6 and result.quorum
    question = _by_id(result, w["question"])
    assert question.answers[tally.YES] == tally.Share(D("289.50"), 2)  # 张三 and the developer
    assert question.answers[tally.NO] == tally.Share(D("155.25"), 1)  # 赵六's two flats, one owner
    assert question.answers[tally.ABSTAIN] == tally.Share(D("120.00"), 1)  # 李四 left it unmarked
    assert question.passed is False  # 2 of 4 owners is exactly half: not more than half
    election = _by_id(result, w["election"])
    support = {cand.id: (cand.support, cand.majority) for cand in election.candidates}
    assert support[c[1]] == (tally.Share(D("409.50"), 3), True)
    assert support[c[0]] == (tally.Share(D("289.50"), 2), False)
    assert support[c[3]] == (tally.ZERO, False)  # only the superseded paper chose 周四
    assert election.answers[tally.ABSTAIN] == tally.Share(D("155.25"), 1)
    assert (election.elected, election.tie, election.seats_unfilled) == ((c[1],), (), 2)
    assert result.conflicts == ()


def test_db_count_with_paper_partial_ballots_and_follow_majority(cast_world):
    # R-TALLY-1 R-TALLY-2 R-TALLY-6 R-TALLY-7 R-PAPER-1 R-RES-1
    w = cast_world
    q, e = str(w["question"].pk), str(w["election"].pk)
    c = [x.pk for x in w["candidates"]]
    _cast(w, "zhang", ["1栋-101"], {q: "yes"})  # a partial electronic ballot
    meeting = _close(w["meeting"])
    roll = roll_of(meeting)
    _paper(w, roll, {"1栋-102": {q: "yes", e: [c[2], c[0]]}, "2栋-301": {e: [c[2]]}})
    result = assert_db_equals_pure(meeting)
    # 3 of 4 owners (at least two thirds) but 309.50 of 564.75 m² (less than two thirds): no quorum
    assert result.participating == tally.Share(D("309.50"), 3)
    assert (result.quorum_area, result.quorum_owners) == (False, True)
    question = _by_id(result, w["question"])
    assert question.answers[tally.YES] == tally.Share(D("209.50"), 2)
    assert question.answers[tally.ABSTAIN] == tally.Share(D("100.00"), 1)  # the developer left it unmarked
    assert question.passed is False
    election = _by_id(result, w["election"])
    assert election.answers[tally.ABSTAIN] == tally.Share(D("89.50"), 1)  # 张三 left it unmarked
    assert election.elected == ()  # no quorum, nobody elected
    # with 随多数 the non-voters (赵六 and the developer's other flat: 255.25 m², 1 owner) go with
    # the voters' majority: yes (209.50 of 309.50 m², 2 of 3 owners) - and the outcome changes
    Meeting.objects.filter(pk=meeting.pk).update(follow_majority=True)  # frozen at publicity
    meeting.refresh_from_db()
    on = counting.compute(meeting)
    assert on.follow_majority is True and tally.to_json(on)["follow_majority"] is True
    q_on = _by_id(on, w["question"])
    assert (q_on.followed, q_on.nonvoters) == (tally.YES, tally.Share(D("255.25"), 1))
    assert q_on.answers[tally.YES] == tally.Share(D("464.75"), 3)
    assert q_on.passed is True
    e_on = _by_id(on, w["election"])
    assert e_on.followed == "candidates"
    assert next(x for x in e_on.candidates if x.id == c[2]).support == tally.Share(D("475.25"), 3)
    assert e_on.elected == (c[2],)


# --- a counted owner whose paper ballots disagree: the fallback ------------------------------------


def test_disagreeing_paper_ballots_of_one_owner_fall_back_and_are_reported(cast_world):
    # R-TALLY-9 R-ROSTER-3 R-RES-1
    w = cast_world
    q, e = str(w["question"].pk), str(w["election"].pk)
    c = [x.pk for x in w["candidates"]]
    _cast(w, "zhang", ["1栋-101"], {q: "yes", e: [c[0]]})
    _cast(w, "chen", ["2栋-301", "2栋-302"], {q: "no", e: [c[0], c[1]]})
    meeting = _close(w["meeting"])
    roll = roll_of(meeting)
    group = roll["1栋-201"].owner_group
    assert roll["2栋-201"].owner_group == group  # 赵六's two flats are one counted owner
    # entered in two count sessions, so neither session saw the disagreement
    _paper(w, roll, {"1栋-201": {q: "yes", e: [c[1]]}})
    _paper(w, roll, {"2栋-201": {q: "no", e: [c[1]]}})
    assert Ballot.objects.filter(meeting=meeting, owner_group=group, superseded=False).count() == 2

    items = counting.items_of(meeting)
    assert counting.counts_from_db(meeting, items).conflicts == (group,)
    result = assert_db_equals_pure(meeting)
    assert result.conflicts == (group,)
    assert tally.to_json(result)["conflicts"] == 1
    assert result.participating == tally.Share(D("444.75"), 3)
    question = _by_id(result, w["question"])
    # each flat's area follows its own paper; 赵六 counts once, as an abstention, on the question
    assert question.answers[tally.YES] == tally.Share(D("184.75"), 1)
    assert question.answers[tally.NO] == tally.Share(D("260.00"), 1)
    assert question.answers[tally.ABSTAIN] == tally.Share(D("0"), 1)
    # on the election his flats agree: he counts for 林二 with both areas
    election = _by_id(result, w["election"])
    assert next(x for x in election.candidates if x.id == c[1]).support == tally.Share(D("355.25"), 2)


def test_conflict_in_a_second_owner_does_not_hide_agreeing_multi_flat_owners(cast_world):
    # R-TALLY-9: the fallback counts every ballot, agreeing owners included, exactly like the pure count
    w = cast_world
    q = str(w["question"].pk)
    meeting = _close(w["meeting"])
    roll = roll_of(meeting)
    _paper(
        w, roll, {"1栋-201": {q: "yes"}, "2栋-301": {q: "yes"}, "2栋-302": {q: "yes"}, "1栋-101": {q: "no"}}
    )
    _paper(w, roll, {"2栋-201": {q: "abstain"}})
    result = assert_db_equals_pure(meeting)
    assert len(result.conflicts) == 1
    question = _by_id(result, w["question"])
    assert question.answers[tally.YES] == tally.Share(
        D("295.25"), 1
    )  # the developer, and 赵六's 1栋-201 area
    assert question.answers[tally.ABSTAIN] == tally.Share(D("60.00"), 1)  # 赵六 once, 2栋-201's area


# --- random ballots, database against pure ---------------------------------------------------------


class _Undo(Exception):
    pass


def _random_answers(rnd, q, e, c):
    answers = {}
    pick = rnd.choice([None, "yes", "no", "abstain", "yes"])
    if pick:
        answers[q] = pick
    kind = rnd.choice(["none", "abstain", "list", "list"])
    if kind == "abstain":
        answers[e] = "abstain"
    elif kind == "list":
        answers[e] = rnd.sample(c, rnd.randint(1, 3))
    return answers or {q: "yes"}


def test_random_ballots_db_equals_pure(cast_world):
    # R-TALLY-1..9 R-ROSTER-3 R-PAPER-1 R-RES-1: random electronic and paper ballots (superseded
    # papers, partial ballots, disagreeing papers of one owner across sessions), rolled back in turn
    w = cast_world
    rnd = random.Random(20260611)  # fixed: the same ten meetings every run
    q, e = str(w["question"].pk), str(w["election"].pk)
    c = [x.pk for x in w["candidates"]]
    voters = {
        "zhang": ["1栋-101"],
        "li": ["1栋-102"],
        "zhao": ["1栋-201", "2栋-201"],
        "chen": ["2栋-301", "2栋-302"],
    }
    seen_conflict = seen_superseded = False
    for _ in range(10):
        try:
            with transaction.atomic():
                w["meeting"].refresh_from_db()
                for who, labels in voters.items():
                    if rnd.random() < 0.5:
                        _cast(w, who, labels, _random_answers(rnd, q, e, c))
                meeting = _close(w["meeting"])
                roll = roll_of(meeting)
                sessions: list[dict] = [{}, {}]
                for label in roll:
                    if rnd.random() < 0.6:
                        rnd.choice(sessions)[label] = _random_answers(rnd, q, e, c)
                for entries in sessions:
                    # flats of one counted owner that disagree cannot share a session: move one on
                    groups: dict[str, str] = {}
                    for label in list(entries):
                        g = roll[label].owner_group
                        if g in groups and entries[label] != entries[groups[g]]:
                            del entries[label]
                        groups.setdefault(g, label)
                    if entries:
                        _paper(w, roll, entries)
                result = assert_db_equals_pure(meeting)
                seen_conflict |= bool(result.conflicts)
                seen_superseded |= bool(counting.ballot_rows(meeting, superseded=True))
                raise _Undo
        except _Undo:
            pass
    assert Ballot.objects.count() == 0  # every round was rolled back
    assert seen_conflict and seen_superseded  # the ten meetings include both cases
