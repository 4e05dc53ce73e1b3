"""Casting electronic ballots (R-VOTE-1, R-VOTE-3, R-VOTE-4, R-VOTE-6, R-VOTE-8, R-VOTE-9,
R-TALLY-1, R-TALLY-9): who may vote which flat, the receipt, and that every refusal writes
nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify.models import Notification
from ownervote.orgs.models import AuthorisedStaff
from ownervote.voting.models import Ballot, Choice, Submission
from ownervote.voting.services import cast, progress
from ownervote.voting.services import proxy_acceptance as proxies

from .conftest import full_answers, long_ago


def _counts() -> tuple[int, int, int, int]:
    return (
        Submission.objects.count(),
        Ballot.objects.count(),
        Choice.objects.count(),
        AuditEvent.objects.filter(action="ballot.cast").count(),
    )


def _head(meeting) -> progress.Counted:
    return progress.counted(meeting.pk)


def _cast(w, who: str, flats: list[str], answers=None, **kw):
    return cast.ballot_cast(
        actor=w[who],
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flat"][f] for f in flats],
        answers=w["answers"] if answers is None else answers,
        **kw,
    )


# --- the happy path and the receipt --------------------------------------------------------------


def test_owner_votes_once_and_gets_a_receipt(cast_world):  # R-VOTE-1 R-VOTE-3
    w = cast_world
    meeting = w["meeting"]
    before = _head(meeting)
    (entry,) = cast.voter_flats(w["zhang"], meeting)
    assert (entry.label, entry.can_vote, entry.via, entry.flat_ids) == (
        "1栋-101",
        True,
        "owner",
        [w["flat"]["1栋-101"]],
    )

    sub = _cast(w, "zhang", ["1栋-101"])

    assert len(sub.code) == cast.CODE_LENGTH and set(sub.code) <= set(cast.CODE_ALPHABET)
    assert sub.user == w["zhang"] and sub.proxy is None and len(sub.salt) == 32
    canonical = {
        str(w["question"].pk): "yes",
        str(w["election"].pk): sorted(w["answers"][str(w["election"].pk)]),
    }
    content = {
        "v": 1,
        "meeting": meeting.pk,
        "receipt": sub.code,
        "flats": [w["flat"]["1栋-101"]],
        "answers": canonical,
        "salt": sub.salt,
    }
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert sub.digest == hashlib.sha256(data).hexdigest()
    (ballot,) = Ballot.objects.filter(submission=sub)
    assert (
        ballot.channel == "electronic"
        and ballot.binding == w["zhang_binding"]
        and ballot.cast_by == w["zhang"]
    )
    assert ballot.partial is False and ballot.area == w["flats"]["1栋-101"].area
    assert Choice.objects.filter(ballot=ballot).count() == 1 + w["election"].max_choices
    after = _head(meeting)
    assert after.flats_voted == before.flats_voted + 1 and after.owners_voted == before.owners_voted + 1
    assert after.electronic == before.electronic + 1

    # the audit event names the receipt, never the answers
    event = AuditEvent.objects.get(action="ballot.cast")
    assert event.summary == {"receipt": sub.code, "flats": 1, "via": "owner"}
    assert "yes" not in json.dumps(event.summary)
    # the receipt in the voter's inbox
    note = Notification.objects.get(user=w["zhang"], kind="ballot.receipt")
    assert cast.display_code(sub.code) in note.body
    # the public check: recorded, when, the hash; lower case and hyphens accepted
    found = cast.receipt_lookup(cast.display_code(sub.code).lower())
    assert found == sub
    assert cast.receipt_lookup("AAAA-BBBB-CCCC") is None

    # R-VOTE-1: a second ballot for the flat is refused, with when (never how), and changes nothing
    counts = _counts()
    with pytest.raises(Conflict) as exc:
        _cast(w, "zhang", ["1栋-101"], answers={str(w["question"].pk): "no"})
    assert exc.value.code == "ballot.already_voted"
    assert exc.value.details["voted_at"] == ballot.cast_at.isoformat()
    assert _counts() == counts
    (entry,) = cast.voter_flats(w["zhang"], meeting)
    assert entry.code == "ballot.already_voted" and not entry.can_vote and entry.voted_at == ballot.cast_at


def test_my_ballots_show_what_i_voted(cast_world):  # R-VOTE-3
    w = cast_world
    sub = _cast(w, "zhang", ["1栋-101"], answers={str(w["question"].pk): "no"})
    (mine,) = cast.my_ballots(w["zhang"], w["meeting"])
    assert mine.submission == sub and mine.flats == ["1栋-101"] and mine.partial
    rows = {r["item_id"]: r for r in mine.rows}
    assert rows[w["question"].pk]["answer"] == "no"
    assert rows[w["election"].pk]["answer"] == ""  # left blank: counts as an abstention
    assert cast.my_ballots(w["li"], w["meeting"]) == []  # nobody sees another's ballot


def test_partial_ballot_is_accepted_and_recorded_as_such(cast_world):  # R-VOTE-1 R-TALLY-1
    w = cast_world
    sub = _cast(w, "zhang", ["1栋-101"], answers={str(w["election"].pk): "abstain"})
    (ballot,) = sub.ballots.all()
    assert ballot.partial is True
    assert list(Choice.objects.filter(ballot=ballot).values_list("answer", "candidate")) == [
        ("abstain", None)
    ]


@pytest.mark.parametrize(
    "answers, code",
    [
        ("empty", "ballot.empty"),
        ("unknown_item", "invalid_input"),
        ("question:maybe", "invalid_input"),
        ("election:too_many", "invalid_input"),
        ("election:unknown", "invalid_input"),
        ("election:twice", "invalid_input"),
    ],
)
def test_invalid_answers_write_nothing(cast_world, answers, code):  # R-VOTE-1
    w = cast_world
    q, e = str(w["question"].pk), str(w["election"].pk)
    ids = [c.pk for c in w["candidates"]]
    answers = {
        "empty": {},
        "unknown_item": {"999999": "yes"},
        "question:maybe": {q: "maybe"},
        "election:too_many": {e: ids},  # 4 candidates, at most 3
        "election:unknown": {e: [999999]},
        "election:twice": {e: [ids[0], ids[0]]},
    }[answers]
    counts, head = _counts(), _head(w["meeting"]).flats_voted
    with pytest.raises(InvalidInput) as exc:
        _cast(w, "zhang", ["1栋-101"], answers=answers)
    assert exc.value.code == code
    assert _counts() == counts and _head(w["meeting"]).flats_voted == head
    assert not Notification.objects.filter(kind="ballot.receipt").exists()


# --- who may vote ---------------------------------------------------------------------------------


def test_not_visible_not_mine_and_unknown(cast_world, staff):  # R-VOTE-1
    w = cast_world
    counts = _counts()
    with pytest.raises(NotFound):
        cast.ballot_cast(
            actor=w["zhang"], meeting_id=999999, flat_ids=[w["flat"]["1栋-101"]], answers=w["answers"]
        )
    with pytest.raises(NotFound):  # another estate's convener does not even see the meeting
        _cast({**w, "other": staff["other_convener"]}, "other", ["1栋-101"])
    with pytest.raises(Forbidden) as exc:  # the convener sees it but owns nothing
        _cast(w, "convener", ["1栋-101"])
    assert exc.value.code == "ballot.not_eligible"
    with pytest.raises(Forbidden) as exc:  # zhang may not vote li's flat
        _cast(w, "zhang", ["1栋-101", "1栋-102"])
    assert exc.value.code == "ballot.not_eligible"
    with pytest.raises(InvalidInput) as exc:
        cast.ballot_cast(actor=w["zhang"], meeting_id=w["meeting"].pk, flat_ids=[], answers=w["answers"])
    assert exc.value.code == "ballot.no_flats"
    assert _counts() == counts


def test_paper_only_voter_cannot_vote_electronically(owner_world, make_voting_meeting):  # R-VOTE-4
    long_ago(owner_world["zhang"])  # li bound today, during the publicity: paper only (art. 18)
    meeting = make_voting_meeting()
    (entry,) = cast.voter_flats(owner_world["li"], meeting)
    assert (entry.can_vote, entry.code) == (False, "ballot.paper_only")
    assert str(Eligibility.Reason.BOUND_DURING_PUBLICITY.label) in entry.reason
    with pytest.raises(Forbidden) as exc:
        cast.ballot_cast(
            actor=owner_world["li"],
            meeting_id=meeting.pk,
            flat_ids=[owner_world["flats"]["1栋-102"].pk],
            answers=full_answers(meeting.items.all()),
        )
    assert exc.value.code == "ballot.paper_only"
    assert Submission.objects.count() == 0 and Ballot.objects.count() == 0
    # zhang, bound long before, votes on the phone
    assert [e.can_vote for e in cast.voter_flats(owner_world["zhang"], meeting)] == [True]


def test_a_meeting_held_on_paper_takes_no_electronic_ballot(owner_world, make_voting_meeting):  # R-VOTE-4
    long_ago(owner_world["zhang"])
    meeting = make_voting_meeting(method="paper")
    (entry,) = cast.voter_flats(owner_world["zhang"], meeting)
    assert entry.code == "ballot.paper_only"


def test_voting_window(cast_world):  # R-VOTE-1
    w = cast_world
    meeting = w["meeting"]
    now = timezone.now()
    assert cast.voting_is_open(meeting)
    assert cast.voting_is_open(meeting, at=meeting.voting_opens_at)
    assert not cast.voting_is_open(meeting, at=meeting.voting_closes_at)
    assert not cast.voting_is_open(meeting, at=meeting.voting_opens_at - dt.timedelta(seconds=1))
    # the close has passed (the close task has not run yet): refused all the same
    Meeting.objects.filter(pk=meeting.pk).update(voting_closes_at=now - dt.timedelta(minutes=1))
    with pytest.raises(Conflict) as exc:
        _cast(w, "zhang", ["1栋-101"])
    assert exc.value.code == "ballot.closed"
    assert [e.code for e in cast.voter_flats(w["zhang"], Meeting.objects.get(pk=meeting.pk))] == [
        "ballot.closed"
    ]
    # not open yet
    Meeting.objects.filter(pk=meeting.pk).update(
        voting_opens_at=now + dt.timedelta(hours=1), voting_closes_at=now + dt.timedelta(hours=5)
    )
    with pytest.raises(Conflict) as exc:
        _cast(w, "zhang", ["1栋-101"])
    assert exc.value.code == "ballot.not_open"
    assert Submission.objects.count() == 0


def test_not_open_before_voting_opens(owner_world, staff, estates):  # R-VOTE-1
    from ownervote.meetings import services as meetings
    from tests.meetings.conftest import guide, meeting_input
    from tests.owners import confirm_totals

    convener = staff["convener"]
    confirm_totals(estates["a"], convener)  # R-ROSTER-1
    meeting = meetings.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(25))
    meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
    guide(meeting)  # art. 12, R-MTG-2
    meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
    with pytest.raises(Conflict) as exc:
        cast.ballot_cast(
            actor=owner_world["zhang"],
            meeting_id=meeting.pk,
            flat_ids=[owner_world["flats"]["1栋-101"].pk],
            answers={},
        )
    assert exc.value.code == "ballot.not_open"
    assert cast.voter_flats(owner_world["zhang"], meeting) == []  # nothing frozen before voting opens


def test_ended_binding_cannot_vote(cast_world):  # R-VOTE-1 R-BIND-2
    from ownervote.bindings.models import Binding

    w = cast_world
    Binding.objects.filter(pk=w["zhang_binding"].pk).update(
        status=Binding.Status.ENDED, end_reason=Binding.EndReason.OBJECTION_UPHELD, ended_at=timezone.now()
    )
    with pytest.raises(Forbidden) as exc:
        _cast(w, "zhang", ["1栋-101"])
    assert exc.value.code == "ballot.not_eligible"


# --- co-owners: the first ballot counts (R-VOTE-8) -------------------------------------------------


def test_co_owners_first_ballot_counts(cast_world):  # R-VOTE-8
    w = cast_world
    assert [e.can_vote for e in cast.voter_flats(w["wang"], w["meeting"])] == [True]
    sub = _cast(w, "li", ["1栋-102"])
    with pytest.raises(Conflict) as exc:
        _cast(w, "wang", ["1栋-102"], answers={str(w["question"].pk): "no"})
    assert exc.value.code == "ballot.already_voted"
    assert exc.value.details["voted_at"] == sub.cast_at.isoformat()
    assert "no" not in json.dumps(exc.value.details)
    (entry,) = cast.voter_flats(w["wang"], w["meeting"])
    # The reason says when (Beijing time), never how.
    when = timezone.localtime(entry.voted_at).strftime("%Y-%m-%d %H:%M")
    assert entry.code == "ballot.already_voted" and when in entry.reason
    # wang learns that the flat voted, not how
    note = Notification.objects.get(user=w["wang"], kind="ballot.flat_voted")
    assert "1栋-102" in note.body and sub.code not in note.body
    assert Ballot.objects.filter(flat_id=w["flat"]["1栋-102"]).count() == 1


# --- one owner, several flats: one submission (R-TALLY-9) -----------------------------------------


def test_one_owner_two_flats_vote_together(cast_world):  # R-TALLY-9
    w = cast_world
    entries = cast.voter_flats(w["zhao"], w["meeting"])
    assert {e.label for e in entries} == {"1栋-201", "2栋-201"}
    assert all(e.flat_ids == sorted([w["flat"]["1栋-201"], w["flat"]["2栋-201"]]) for e in entries)
    assert len(cast.submissions_of(entries)) == 1
    counts = _counts()
    with pytest.raises(InvalidInput) as exc:
        _cast(w, "zhao", ["1栋-201"])
    assert exc.value.code == "ballot.group_incomplete"
    assert exc.value.details == {"missing": [w["flat"]["2栋-201"]]}
    assert _counts() == counts
    before = _head(w["meeting"])
    sub = _cast(w, "zhao", ["2栋-201", "1栋-201"])
    ballots = list(sub.ballots.all())
    assert len(ballots) == 2 and len({b.owner_group for b in ballots}) == 1
    assert {b.binding.flat_id for b in ballots} == {b.flat_id for b in ballots}  # each flat its own binding
    after = _head(w["meeting"])
    assert after.flats_voted == before.flats_voted + 2
    assert after.owners_voted == before.owners_voted + 1  # one counted owner
    assert after.area_voted == before.area_voted + sum(b.area for b in ballots)


# --- organisation owners through their authorised staff (R-VOTE-9) --------------------------------


def test_organisation_votes_through_its_staff(cast_world):  # R-VOTE-9 R-TALLY-9
    w = cast_world
    entries = cast.voter_flats(w["chen"], w["meeting"])
    assert {(e.label, e.via, e.can_vote) for e in entries} == {
        ("2栋-301", "staff", True),
        ("2栋-302", "staff", True),
    }
    with pytest.raises(InvalidInput) as exc:
        _cast(w, "chen", ["2栋-301"])
    assert exc.value.code == "ballot.group_incomplete"
    sub = _cast(w, "chen", ["2栋-301", "2栋-302"])
    assert sub.ballots.count() == 2
    assert AuditEvent.objects.get(action="ballot.cast").summary["via"] == "staff"


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_staff_whose_authorisation_ended_cannot_vote(cast_world, how):  # R-VOTE-9
    w = cast_world
    if how == "revoked":
        AuthorisedStaff.objects.filter(pk=w["chen_auth"].pk).update(revoked_at=timezone.now())
    else:
        AuthorisedStaff.objects.filter(pk=w["chen_auth"].pk).update(
            valid_until=timezone.localdate() - dt.timedelta(days=1)
        )
    assert {e.code for e in cast.voter_flats(w["chen"], w["meeting"])} == {"ballot.authorisation_ended"}
    with pytest.raises(Forbidden) as exc:
        _cast(w, "chen", ["2栋-301", "2栋-302"])
    assert exc.value.code == "ballot.authorisation_ended"
    assert Submission.objects.count() == 0


# --- proxies (R-VOTE-6, R-VOTE-7) ------------------------------------------------------------------


def test_proxy_votes_and_the_owner_is_refused(cast_world):  # R-VOTE-6 R-VOTE-7
    from tests.owners import verified_person
    from tests.rosterfiles import mobile, person_id

    from .proxy_fixtures import PROXY, grant

    w = cast_world
    holder = verified_person(mobile(60), PROXY["name"], person_id(60))
    proxy = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    # R-VOTE-6 (art. 20): until the proxy accepts, the proxy cannot vote and the owner still can
    (unaccepted,) = cast.voter_flats(holder, w["meeting"])
    assert (unaccepted.can_vote, unaccepted.code) == (False, "ballot.proxy_unconfirmed")
    assert "尚未确认接受" in unaccepted.reason
    with pytest.raises(Forbidden) as exc:
        _cast({**w, "holder": holder}, "holder", ["1栋-101"], proxy_id=proxy.pk)
    assert exc.value.code == "ballot.proxy_unconfirmed" and Submission.objects.count() == 0
    assert [e.can_vote for e in cast.voter_flats(w["zhang"], w["meeting"])] == [True]
    proxies.proxy_confirm(actor=holder, proxy_id=proxy.pk)
    # accepted: the owner revokes the proxy first
    (mine,) = cast.voter_flats(w["zhang"], w["meeting"])
    assert mine.code == "ballot.proxy_granted" and "撤销委托" in mine.reason  # told how to vote himself
    with pytest.raises(Forbidden) as exc:
        _cast(w, "zhang", ["1栋-101"])
    assert exc.value.code == "ballot.proxy_granted"
    # the proxy sees the flat and votes it
    (entry,) = cast.voter_flats(holder, w["meeting"])
    assert (entry.label, entry.via, entry.proxy, entry.can_vote) == ("1栋-101", "proxy", proxy, True)
    with pytest.raises(Forbidden):  # not without naming the proxy
        cast.ballot_cast(
            actor=holder, meeting_id=w["meeting"].pk, flat_ids=[entry.flat.pk], answers=w["answers"]
        )
    with pytest.raises(NotFound):  # not a proxy the caller holds
        _cast({**w, "holder": holder}, "holder", ["1栋-101"], proxy_id=proxy.pk + 1000)
    sub = _cast({**w, "holder": holder}, "holder", ["1栋-101"], proxy_id=proxy.pk)
    (ballot,) = sub.ballots.all()
    assert sub.proxy == proxy and sub.user == holder
    assert ballot.proxy == proxy and ballot.cast_by == holder and ballot.binding == w["zhang_binding"]
    assert AuditEvent.objects.get(action="ballot.cast").summary["via"] == "proxy"
    assert Notification.objects.filter(user=w["zhang"], kind="ballot.proxy_voted").exists()
    assert Notification.objects.filter(user=holder, kind="ballot.receipt").exists()
    # the grantor sees the ballot cast for him (R-VOTE-3)
    (seen,) = cast.my_ballots(w["zhang"], w["meeting"])
    assert seen.by_proxy and seen.submission == sub


# --- the cast path stays lean ----------------------------------------------------------------------


def test_cast_query_budget(cast_world, django_assert_max_num_queries):  # R-VOTE-1
    w = cast_world
    with django_assert_max_num_queries(32):
        _cast(w, "zhang", ["1栋-101"])


def test_eligibility_rows_are_read_not_recomputed(cast_world):  # R-VOTE-4
    """The frozen snapshot decides: turning zhang paper-only after opening refuses him."""
    w = cast_world
    Eligibility.objects.filter(meeting=w["meeting"], user=w["zhang"]).update(
        mode="paper_only", reason="bound_during_publicity"
    )
    with pytest.raises(Forbidden) as exc:
        _cast(w, "zhang", ["1栋-101"])
    assert exc.value.code == "ballot.paper_only"
