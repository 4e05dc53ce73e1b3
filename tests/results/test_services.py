"""Generating, submitting, guiding and publicising a result (Shenzhen rules art. 25-27; R-RES-1..4):
each step's refusals change nothing, each step writes its audit event and tells the right people.

``closed_world``: the voting fixtures' mixed meeting (tests/voting/conftest.py ``voting_world``)
where zhang voted for 1栋-101 through the real cast service while the voting was open, then the
voting period moved into the past and the voting closed through ``voting_close``."""

from __future__ import annotations

import datetime as dt

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings.models import Item, Meeting
from ownervote.meetings.selectors import calendar
from ownervote.notify.models import Notification
from ownervote.results.access import access_public_result
from ownervote.results.models import Result, ResultGuidance, ResultPublicity
from ownervote.results.services import results
from ownervote.voting.models import Submission
from ownervote.voting.services import cast, progress
from tests.results.scans import uploads
from tests.voting.conftest import full_answers
from tests.voting.paper_fixtures import close_now, open_session

pytestmark = pytest.mark.django_db


def vote(world: dict, who: str, label: str) -> Submission:
    """``who`` casts a full ballot for the flat ``label`` through the real cast service."""
    meeting = world["meeting"]
    items = list(Item.objects.filter(meeting=meeting).order_by("position"))
    return cast.ballot_cast(
        actor=world[who],
        meeting_id=meeting.pk,
        flat_ids=[world["flats"][label].pk],
        answers=full_answers(items),
    )


def close(meeting: Meeting) -> Meeting:
    close_now(meeting)
    return progress.voting_close(meeting_id=meeting.pk)


def make_closed(voting_world: dict) -> dict:
    zhang_submission = vote(voting_world, "zhang", "1栋-101")
    close(voting_world["meeting"])
    return {**voting_world, "submission": zhang_submission}


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def generated(w: dict, reason: str = "") -> Result:
    return results.result_generate(actor=w["convener"], meeting_id=w["meeting"].pk, reason=reason)


def submitted(w: dict) -> Result:
    generated(w)
    return results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **uploads())


def window_over(w: dict) -> None:
    Result.objects.filter(meeting=w["meeting"]).update(
        guidance_ends_on=results.today() - dt.timedelta(days=1)
    )


def publicise(w: dict, start: dt.date | None = None, days: int = 10, late_reason: str = ""):
    start = start or results.today()
    return results.result_publicise(
        actor=w["convener"],
        meeting_id=w["meeting"].pk,
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        late_reason=late_reason,
    )


def state() -> tuple:
    """Everything a refused step must leave as it was."""
    return (
        list(Result.objects.order_by("pk").values_list("pk", "number", "superseded_at", "submitted_at")),
        ResultGuidance.objects.count(),
        ResultPublicity.objects.count(),
        AuditEvent.objects.filter(action__startswith="result.").count(),
        Notification.objects.filter(kind__startswith="result.").count(),
    )


def refused(error_class, code: str, call) -> None:
    before = state()
    with pytest.raises(error_class) as caught:
        call()
    assert caught.value.code == code
    assert state() == before


# --- generating (R-RES-1) ----------------------------------------------------------------------


def test_generate_before_the_close_is_refused(voting_world):  # R-RES-1
    w = voting_world
    refused(Conflict, "result.voting_not_closed", lambda: generated(w))
    assert Result.objects.count() == 0


def test_generate_while_a_paper_count_is_open_is_refused(closed_world):  # R-RES-1 R-PAPER-3
    w = closed_world
    open_session(w["convener"], w["meeting"])
    refused(Conflict, "result.count_open", lambda: generated(w))


def test_generate_freezes_version_1_with_its_audit_event(closed_world):  # R-RES-1 R-RES-4
    w = closed_world
    made = generated(w)
    assert (made.number, made.superseded_at, made.reason) == (1, None, "")
    assert made.digest == results.digest_of(made.content)
    assert made.content["result"]["flats_voted"] == 1
    assert made.voted_owners == 1
    event = AuditEvent.objects.get(action="result.generated")
    assert event.summary["digest"] == made.digest
    assert event.summary["merkle_root"] == made.merkle_root


def test_second_version_needs_a_reason_and_supersedes_the_first(closed_world):  # R-RES-1 R-RES-4
    w = closed_world
    first = generated(w)
    refused(InvalidInput, "result.reason_required", lambda: generated(w))
    second = generated(w, reason="补录一张纸质票")
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert (second.number, second.reason, second.resolved_on) == (2, "补录一张纸质票", first.resolved_on)
    assert results.current(w["meeting"]) == second


def test_only_the_convener_generates(closed_world, staff):  # R-RES-1
    w = closed_world
    refused(
        Forbidden,
        "result.forbidden",
        lambda: results.result_generate(actor=w["street"], meeting_id=w["meeting"].pk),
    )
    refused(
        NotFound,
        "meeting.not_found",
        lambda: results.result_generate(actor=w["zhang"], meeting_id=w["meeting"].pk),
    )
    refused(
        NotFound,
        "meeting.not_found",
        lambda: results.result_generate(actor=staff["other_convener"], meeting_id=w["meeting"].pk),
    )


# --- closing from the result page ---------------------------------------------------------------


def test_close_voting_before_the_period_passed_is_refused(voting_world):
    w = voting_world
    with pytest.raises(Conflict) as caught:
        results.voting_close(actor=w["convener"], meeting_id=w["meeting"].pk)
    assert caught.value.code == "meeting.voting_not_over"
    w["meeting"].refresh_from_db()
    assert w["meeting"].status == Meeting.Status.VOTING


def test_close_voting_by_the_street_office_is_refused(voting_world):
    w = voting_world
    close_now(w["meeting"])
    with pytest.raises(Forbidden):
        results.voting_close(actor=w["street"], meeting_id=w["meeting"].pk)
    w["meeting"].refresh_from_db()
    assert w["meeting"].status == Meeting.Status.VOTING
    assert (
        results.voting_close(actor=w["convener"], meeting_id=w["meeting"].pk).status == Meeting.Status.CLOSED
    )


# --- submitting and guidance (R-RES-2) ------------------------------------------------------------


def test_submit_starts_a_3_day_window_and_tells_the_street_office(closed_world):  # R-RES-2
    w = closed_world
    done = submitted(w)
    # R-MTG-8: 3 days, the day of submission not counted, a last day off moved to the next working day
    assert done.guidance_ends_on == calendar().period_end(results.today(), 3)
    assert AuditEvent.objects.filter(action="result.submitted").count() == 1
    told = Notification.objects.filter(kind="result.street_office", user=w["street"])
    assert told.count() == 1 and w["meeting"].title in told.get().body


def test_submit_twice_is_refused(closed_world):  # R-RES-2
    w = closed_world
    submitted(w)
    refused(
        Conflict,
        "result.already_submitted",
        lambda: results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **uploads()),
    )


def test_submit_without_a_result_is_refused(closed_world):  # R-RES-2
    w = closed_world
    refused(
        Conflict,
        "result.none",
        lambda: results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **uploads()),
    )


def test_guidance_by_the_street_office_tells_the_convener(closed_world):  # R-RES-2
    w = closed_world
    submitted(w)
    given = results.guidance_give(actor=w["street"], meeting_id=w["meeting"].pk, text="请补充监票人签字。")
    assert given.text == "请补充监票人签字。"
    assert AuditEvent.objects.filter(action="result.guidance_given").count() == 1
    assert Notification.objects.filter(kind="result.guidance", user=w["convener"]).count() == 1


def test_guidance_by_anybody_but_the_street_office_is_refused(closed_world, staff):  # R-RES-2
    w = closed_world
    submitted(w)
    for actor in (w["convener"], staff["district"], staff["city"]):
        refused(
            Forbidden,
            "result.guidance_forbidden",
            lambda actor=actor: results.guidance_give(actor=actor, meeting_id=w["meeting"].pk, text="意见"),
        )
    refused(
        NotFound,
        "meeting.not_found",
        lambda: results.guidance_give(actor=staff["other_street"], meeting_id=w["meeting"].pk, text="意见"),
    )


def test_guidance_after_the_window_is_refused(closed_world):  # R-RES-2
    w = closed_world
    submitted(w)
    window_over(w)
    refused(
        Conflict,
        "result.guidance_closed",
        lambda: results.guidance_give(actor=w["street"], meeting_id=w["meeting"].pk, text="迟到的意见"),
    )


def test_guidance_before_the_submission_is_refused(closed_world):  # R-RES-2
    w = closed_world
    generated(w)
    refused(
        Conflict,
        "result.not_submitted",
        lambda: results.guidance_give(actor=w["street"], meeting_id=w["meeting"].pk, text="意见"),
    )


def test_new_version_after_submission_tells_the_street_office(closed_world):  # R-RES-1 R-RES-2
    w = closed_world
    submitted(w)
    generated(w, reason="更正面积")
    assert Notification.objects.filter(kind="result.street_office", user=w["street"]).count() == 2


# --- publicity (R-RES-3) ---------------------------------------------------------------------------


def test_publicise_before_submitting_is_refused(closed_world):  # R-RES-3
    w = closed_world
    generated(w)
    refused(Conflict, "result.not_submitted", lambda: publicise(w))


def test_publicise_while_guidance_is_pending_is_refused(closed_world):  # R-RES-2 R-RES-3
    w = closed_world
    submitted(w)
    refused(Conflict, "result.guidance_pending", lambda: publicise(w))


def test_publicise_after_guidance_within_the_window(closed_world):  # R-RES-2 R-RES-3
    w = closed_world
    submitted(w)
    results.guidance_give(actor=w["street"], meeting_id=w["meeting"].pk, text="同意公示。")
    done = publicise(w)
    assert done.result.number == 1


def test_publicity_too_short_or_in_the_past_is_refused(closed_world):  # R-RES-3
    w = closed_world
    submitted(w)
    window_over(w)
    refused(InvalidInput, "result.publicity_invalid", lambda: publicise(w, days=9))
    refused(
        InvalidInput,
        "result.publicity_invalid",
        lambda: publicise(w, start=results.today() - dt.timedelta(days=1)),
    )


def test_late_start_needs_its_reason_which_is_recorded(closed_world):  # R-RES-3
    w = closed_world
    made = submitted(w)
    window_over(w)
    late = results.publicity_due_by(made) + dt.timedelta(days=1)
    refused(InvalidInput, "result.late_reason_required", lambda: publicise(w, start=late))
    done = publicise(w, start=late, late_reason="公告栏维修，顺延一天张贴")
    assert done.late_reason == "公告栏维修，顺延一天张贴"
    assert AuditEvent.objects.get(action="result.publicised").summary["late"] is True


def test_publicise_tells_the_owners_and_opens_the_public_page(closed_world):  # R-RES-3 R-RES-4
    w = closed_world
    made = submitted(w)
    window_over(w)
    with pytest.raises(NotFound):
        access_public_result(w["meeting"].pk)
    publicise(w)
    assert access_public_result(w["meeting"].pk) == made
    event = AuditEvent.objects.get(action="result.publicised")
    assert (event.summary["digest"], event.summary["late"]) == (made.digest, False)
    owners = set(Notification.objects.filter(kind="result.publicised").values_list("user_id", flat=True))
    assert {w["zhang"].pk, w["li"].pk} <= owners
    refused(Conflict, "result.already_publicised", lambda: publicise(w))


def test_publicity_starting_later_is_not_public_yet(closed_world):  # R-RES-3
    w = closed_world
    submitted(w)
    window_over(w)
    publicise(w, start=results.today() + dt.timedelta(days=1))
    with pytest.raises(NotFound):
        access_public_result(w["meeting"].pk)


# --- receipts (R-RES-4) -----------------------------------------------------------------------------


def test_receipt_found_by_any_spelling_in_its_meeting_only(closed_world, make_voting_meeting):  # R-RES-4
    w = closed_world
    sub = w["submission"]
    found = results.receipt_for(w["meeting"], cast.display_code(sub.code).lower())
    assert found["submission"] == sub and found["counted"] is True and found["page"] == 1
    assert list(results.counted_receipts(w["meeting"]).values_list("digest", flat=True)) == [sub.digest]
    other = make_voting_meeting()
    assert results.receipt_for(other, sub.code) is None
    assert results.receipt_for(w["meeting"], "AAAA-BBBB-CCCC") is None
