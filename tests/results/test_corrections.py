"""Paper ballots after the result's publicity, and corrections of a publicised result (R-SEC-6).

Issue 19, point 2: on a meeting whose result was publicised, the convener opened a paper count,
entered a ballot and committed it: all accepted, so the owners' archive said "ballots changed"
while the public page still showed the old version. Now the publicity seals the ballots: every
paper step is refused (409 ``ballot.sealed``) and, underneath, the database refuses the rows;
only a correction with its reason lets a late ballot in, and the version that completes it is
marked as correcting the publicised one, tells the supervising office, and is submitted,
guided and publicised again (art. 25, 26).

``publicised``: the results fixtures' closed meeting (zhang voted electronically for 1栋-101),
version 1 generated, submitted and publicised through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, InvalidInput
from ownervote.notify.models import Notification
from ownervote.results.access import access_public_result
from ownervote.results.models import Result, ResultCorrection, ResultPublicity
from ownervote.results.services import corrections, export, results
from ownervote.voting.models import Ballot, BallotSeal, Channel, CountSession, PaperEntry
from ownervote.voting.services import cast, paper
from tests.results.scans import uploads
from tests.results.test_services import closed_world, publicise, submitted, window_over  # noqa: F401
from tests.voting.conftest import full_answers
from tests.voting.paper_fixtures import open_session

pytestmark = pytest.mark.django_db

LATE = "1栋-102"
REASON = "投票箱清点时发现 1栋-102 的纸质表决票漏录（投票截止前投入）"


@pytest.fixture
def publicised(closed_world):  # noqa: F811 - the fixture imported above
    w = closed_world
    submitted(w)
    window_over(w)
    publicise(w)
    return w


def enter(w: dict, session: CountSession, label: str = LATE) -> PaperEntry:
    meeting = w["meeting"]
    return paper.entry_save(
        actor=w["convener"],
        session_id=session.pk,
        flat_id=w["flats"][label].pk,
        round=1,
        answers=full_answers(meeting.items.order_by("position")),
        dated_on=meeting.voting_closes_at.date(),
        received_at=meeting.voting_closes_at - dt.timedelta(hours=1),
        received_via="box",
    )


def ballots_state(meeting) -> tuple:
    return (
        Ballot.objects.filter(meeting=meeting).count(),
        CountSession.objects.filter(meeting=meeting).count(),
        PaperEntry.objects.filter(session__meeting=meeting).count(),
        AuditEvent.objects.filter(action__startswith="paper.").count(),
    )


def sealed_refusal(call) -> None:
    with pytest.raises(Conflict) as caught:
        call()
    assert caught.value.code == "ballot.sealed"
    assert "表决结果已公示" in str(caught.value.message) and "更正" in str(caught.value.message)


# --- the finding: refused after the publicity ----------------------------------------------------


def test_a_paper_count_after_the_publicity_is_refused(publicised):  # R-SEC-6 R-PAPER-3
    w = publicised
    before = ballots_state(w["meeting"])
    sealed_refusal(lambda: open_session(w["convener"], w["meeting"]))
    assert ballots_state(w["meeting"]) == before
    assert export.archive_of(w["meeting"])["merkle_root"] == results.current(w["meeting"]).merkle_root


def test_a_count_opened_before_the_publicity_enters_and_commits_nothing_after_it(closed_world):  # noqa: F811 - R-SEC-6
    w = closed_world
    submitted(w)
    window_over(w)
    session = open_session(w["convener"], w["meeting"])  # open while the result awaited publicity
    enter(w, session)
    publicise(w)
    before = ballots_state(w["meeting"])
    sealed_refusal(lambda: enter(w, session, "1栋-201"))
    sealed_refusal(lambda: paper.session_commit(actor=w["convener"], session_id=session.pk))
    sealed_refusal(
        lambda: paper.entry_delete(
            actor=w["convener"], session_id=session.pk, flat_id=w["flats"][LATE].pk, round=1
        )
    )
    assert ballots_state(w["meeting"]) == before


def test_an_electronic_ballot_after_the_publicity_is_refused(publicised):  # R-SEC-6 R-VOTE-1
    w = publicised
    before = ballots_state(w["meeting"])
    with pytest.raises(Conflict):
        cast.ballot_cast(
            actor=w["li"],
            meeting_id=w["meeting"].pk,
            flat_ids=[w["flats"][LATE].pk],
            answers=full_answers(w["meeting"].items.order_by("position")),
        )
    assert ballots_state(w["meeting"]) == before


def test_the_database_refuses_ballots_of_a_sealed_meeting(publicised):  # R-SEC-6 R-SEC-3
    w = publicised
    meeting = w["meeting"]
    existing = Ballot.objects.filter(meeting=meeting).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.create(
            meeting=meeting,
            flat=w["flats"][LATE],
            channel=Channel.PAPER,
            area=existing.area,
            owner_group="late",
            cast_at=existing.cast_at,
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        CountSession.objects.create(
            meeting=meeting, caller="甲", counter="乙", scrutineer="丙", opened_by=w["convener"]
        )
    with pytest.raises(DatabaseError), transaction.atomic():  # no seal is lifted without a correction
        BallotSeal.objects.filter(meeting=meeting).update(sealed=False)
    assert BallotSeal.objects.get(meeting=meeting).sealed


# --- the correction ----------------------------------------------------------------------------------


def test_a_correction_needs_a_reason_a_publicity_and_only_one_at_a_time(closed_world):  # noqa: F811 - R-SEC-6
    w = closed_world
    meeting_id = w["meeting"].pk
    submitted(w)
    with pytest.raises(Conflict) as caught:
        corrections.correction_start(actor=w["convener"], meeting_id=meeting_id, reason=REASON)
    assert caught.value.code == "result.not_publicised"
    window_over(w)
    publicise(w)
    with pytest.raises(InvalidInput) as caught:
        corrections.correction_start(actor=w["convener"], meeting_id=meeting_id, reason="   ")
    assert caught.value.code == "result.correction_reason_required" and caught.value.details == {
        "reason": "required"
    }
    assert not ResultCorrection.objects.exists() and BallotSeal.objects.get(meeting_id=meeting_id).sealed
    corrections.correction_start(actor=w["convener"], meeting_id=meeting_id, reason=REASON)
    with pytest.raises(Conflict) as caught:
        corrections.correction_start(actor=w["convener"], meeting_id=meeting_id, reason="again")
    assert caught.value.code == "result.correction_open"
    assert ResultCorrection.objects.count() == 1


def test_only_the_convener_corrects(publicised):  # R-SEC-6
    from ownervote.core.errors import Forbidden

    with pytest.raises(Forbidden):
        corrections.correction_start(
            actor=publicised["street"], meeting_id=publicised["meeting"].pk, reason=REASON
        )
    assert not ResultCorrection.objects.exists()


def test_a_new_version_after_the_publicity_needs_a_correction(publicised):  # R-SEC-6 R-RES-1
    w = publicised
    with pytest.raises(Conflict) as caught:
        results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk, reason="重新生成")
    assert caught.value.code == "result.correction_required"
    assert Result.objects.filter(meeting=w["meeting"]).count() == 1


def test_the_late_ballot_through_a_correction_makes_a_version_marked_as_correcting(
    publicised,
):  # R-SEC-6 R-RES-1..3
    w = publicised
    meeting = w["meeting"]
    v1 = results.current(meeting)
    correction = corrections.correction_start(actor=w["convener"], meeting_id=meeting.pk, reason=REASON)
    assert not BallotSeal.objects.get(meeting=meeting).sealed
    started = AuditEvent.objects.get(action="result.correction_started")
    assert started.summary == {"meeting": meeting.pk, "corrects": 1, "reason": REASON}
    told = Notification.objects.get(kind="result.street_office", title__contains="更正")
    assert told.user == w["street"] and REASON in told.body and correction.corrects == v1

    session = open_session(w["convener"], meeting)
    enter(w, session)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    assert Ballot.objects.filter(meeting=meeting, channel=Channel.PAPER, superseded=False).count() == 1

    v2 = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)  # completes the correction
    correction.refresh_from_db()
    assert (correction.result, v2.number, v2.reason) == (v2, 2, REASON)
    assert v2.content["corrects"] == {"number": 1, "reason": REASON}
    assert v2.voted_owners == v1.voted_owners + 1
    assert BallotSeal.objects.get(meeting=meeting).sealed  # sealed again until the next correction
    completed = AuditEvent.objects.get(action="result.correction_completed")
    assert (completed.summary["corrects"], completed.summary["number"]) == (1, 2)
    corrected = Notification.objects.get(kind="result.street_office", title="更正后的表决结果")
    assert corrected.user == w["street"] and "第 2 版" in corrected.body and REASON in corrected.body
    sealed_refusal(lambda: open_session(w["convener"], meeting))

    # the corrected version goes through submission, guidance and publicity again (art. 25, 26)
    assert access_public_result(meeting.pk) == v1  # until its own publicity
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    window_over(w)
    # weeks after the resolution: no separate reason for the late start, the correction is it
    Result.objects.filter(meeting=meeting).update(resolved_on=results.today() - dt.timedelta(days=20))
    publicity = publicise(w)
    assert "更正" in publicity.late_reason and REASON in publicity.late_reason
    assert access_public_result(meeting.pk) == v2
    owners = Notification.objects.filter(kind="result.publicised", body__contains=REASON)
    assert {w["zhang"].pk, w["li"].pk} <= set(owners.values_list("user_id", flat=True))
    assert all(n.body.startswith("本结果更正") and "（第 1 版）" in n.body for n in owners)  # issue 22 item 8
    assert ResultPublicity.objects.filter(meeting=meeting).count() == 2
    assert export.archive_of(meeting, v2)["merkle_root"] == v2.merkle_root
