"""Objections to the publicised result (询异, R-TRUST-2): raising, answering, accepting, disputing
and the escalation of unanswered ones; every refusal leaves everything as it was."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ownervote.audit.models import AuditEvent
from ownervote.complaints.models import Complaint
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.notify.models import Notification
from ownervote.objections import events, services
from ownervote.objections.errors import Code
from ownervote.objections.models import ResultObjection
from ownervote.results.models import ResultPublicity
from ownervote.voting.services.cast import display_code
from tests.objections.conftest import at

pytestmark = pytest.mark.django_db

NEVER = ResultObjection.Kind.NEVER_VOTED
WRONG = ResultObjection.Kind.WRONG_CHOICE
OTHER = ResultObjection.Kind.DOUBT_OTHER
GROUNDS = "1栋-101 的业主长期在国外，不可能本人投票。"


def state() -> tuple:
    return (
        list(ResultObjection.objects.order_by("pk").values_list("pk", "status", "answer", "complaint_id")),
        Complaint.objects.count(),
        AuditEvent.objects.filter(action__startswith="objections.").count(),
        Notification.objects.filter(kind__startswith="objection.").count(),
    )


def refused(error_class, code: str, call) -> None:
    before = state()
    with pytest.raises(error_class) as caught:
        call()
    assert caught.value.code == code
    assert state() == before


def raise_never(w, *, now=None, who="wang", flat="1栋-102", kind=NEVER, text="", receipt=""):
    return services.objection_raise(
        actor=w[who],
        meeting_id=w["meeting"].pk,
        flat_id=w["flats"][flat].pk,
        kind=kind,
        text=text,
        receipt=receipt,
        now=now or at(1),
    )


def test_r_trust_2_owner_who_never_voted_objects_to_the_ballot_of_their_flat(publicised_world):
    w = publicised_world
    o = raise_never(w)
    assert o.status == ResultObjection.Status.OPEN
    assert o.flat == w["flats"]["1栋-102"]
    assert o.answer_by == w["publicity"].ends_on  # the publicity's last day
    assert o.result == w["result"]
    assert o.text  # the kind's words, when the owner wrote nothing
    assert AuditEvent.objects.filter(action="objections.raised", object_id=str(o.pk)).exists()
    told = Notification.objects.get(kind="objection.raised")
    assert told.user == w["convener"]
    assert "1栋-102" in told.body


def test_r_trust_2_raising_sends_objection_raised_once_committed(
    publicised_world, django_capture_on_commit_callbacks
):
    w = publicised_world
    received = []

    def receiver(sender, objection, **kwargs):
        received.append(objection.pk)

    events.objection_raised.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            o = raise_never(w)
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
        assert received == [o.pk]
    finally:
        events.objection_raised.disconnect(receiver)


def test_r_trust_2_receipt_is_kept_normalised(publicised_world):
    w = publicised_world
    code = display_code(w["zhang_receipt"].code).lower()
    o = raise_never(w, who="zhang", flat="1栋-101", kind=WRONG, receipt=code)
    assert o.receipt == w["zhang_receipt"].code


def test_r_trust_2_never_voted_only_on_the_owners_own_flat(publicised_world):
    w = publicised_world
    refused(InvalidInput, Code.NOT_OWN_FLAT, lambda: raise_never(w, flat="1栋-101"))


def test_r_trust_2_never_voted_needs_a_ballot_recorded(publicised_world):
    w = publicised_world
    # zhao owns 1栋-201 (by the mobile the roster lists): nobody voted for it
    from ownervote.identity.accounts import owner_account_for_mobile
    from tests.rosterfiles import mobile

    w["zhao"] = owner_account_for_mobile(mobile(4))
    refused(Conflict, Code.NO_BALLOT, lambda: raise_never(w, who="zhao", flat="1栋-201"))


def test_r_trust_2_doubting_another_flat_needs_grounds(publicised_world):
    w = publicised_world
    refused(
        InvalidInput, Code.GROUNDS_REQUIRED, lambda: raise_never(w, flat="1栋-101", kind=OTHER, text="可疑")
    )
    o = raise_never(w, flat="1栋-101", kind=OTHER, text=GROUNDS)
    assert o.kind == OTHER


def test_r_trust_2_doubt_other_is_not_for_ones_own_flat(publicised_world):
    w = publicised_world
    refused(InvalidInput, Code.OWN_FLAT, lambda: raise_never(w, kind=OTHER, text=GROUNDS))


def test_r_trust_2_an_unknown_kind_is_refused(publicised_world):
    w = publicised_world
    refused(InvalidInput, Code.KIND_INVALID, lambda: raise_never(w, kind="referred"))


def test_r_trust_2_only_owners_of_the_estate_object(publicised_world):
    w = publicised_world
    refused(Forbidden, Code.NOT_OWNER, lambda: raise_never(w, who="newcomer"))
    refused(Forbidden, Code.NOT_OWNER, lambda: raise_never(w, who="convener"))


def test_r_trust_2_only_while_the_result_is_publicised(publicised_world):
    w = publicised_world
    p = w["publicity"]
    days_to_end = (p.ends_on - p.starts_on).days
    o = raise_never(w, now=at(days_to_end, hour=23))  # the last day, 23:00 Beijing: still
    assert o.pk
    refused(Conflict, Code.NOT_PUBLICISED, lambda: raise_never(w, now=at(days_to_end + 1, hour=0)))


def test_r_trust_2_nothing_to_object_to_before_publicity(voting_world):
    w = voting_world
    refused(NotFound, Code.MEETING_NOT_FOUND, lambda: raise_never(w))


def test_r_trust_2_a_flat_not_in_the_estate_is_not_found(publicised_world):
    w = publicised_world

    def call():
        return services.objection_raise(
            actor=w["wang"], meeting_id=w["meeting"].pk, flat_id=10**9, kind=NEVER, text="", now=at(1)
        )

    refused(NotFound, Code.FLAT_NOT_FOUND, call)


# --- answering ---------------------------------------------------------------------------------


def test_r_trust_2_convener_answers_within_the_publicity_and_the_owner_is_told(publicised_world):
    w = publicised_world
    o = raise_never(w)
    done = services.objection_answer(
        actor=w["convener"], objection_id=o.pk, answer="经核查，该票由共有人李四投出。", now=at(2)
    )
    assert done.status == ResultObjection.Status.ANSWERED
    assert done.answered_by == w["convener"]
    told = Notification.objects.get(kind="objection.answered")
    assert told.user == w["wang"]


def test_r_trust_2_answer_on_the_last_day_but_not_after(publicised_world):
    w = publicised_world
    o = raise_never(w)
    last = (o.answer_by - at(0).date()).days
    refused(
        Conflict,
        Code.ANSWER_TOO_LATE,
        lambda: services.objection_answer(
            actor=w["convener"], objection_id=o.pk, answer="晚了", now=at(last + 1, 0)
        ),
    )
    services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="按时", now=at(last, 23))


def test_r_trust_2_answer_twice_is_refused(publicised_world):
    w = publicised_world
    o = raise_never(w)
    services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="已核查", now=at(2))
    refused(
        Conflict,
        Code.ALREADY_ANSWERED,
        lambda: services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="再答", now=at(2)),
    )


def test_r_trust_2_empty_answer_is_refused(publicised_world):
    w = publicised_world
    o = raise_never(w)
    refused(
        InvalidInput,
        Code.ANSWER_REQUIRED,
        lambda: services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="  ", now=at(2)),
    )


def test_r_trust_2_only_the_convener_answers(publicised_world):
    w = publicised_world
    o = raise_never(w)
    refused(
        Forbidden,
        Code.FORBIDDEN,
        lambda: services.objection_answer(actor=w["street"], objection_id=o.pk, answer="街道答复", now=at(2)),
    )
    refused(  # the owner sees it, may not answer it
        Forbidden,
        Code.FORBIDDEN,
        lambda: services.objection_answer(actor=w["wang"], objection_id=o.pk, answer="自答", now=at(2)),
    )
    refused(  # another owner does not even see it
        NotFound,
        Code.NOT_FOUND,
        lambda: services.objection_answer(actor=w["zhang"], objection_id=o.pk, answer="自答", now=at(2)),
    )


# --- accepting and disputing -------------------------------------------------------------------


def answered(w):
    o = raise_never(w)
    return services.objection_answer(
        actor=w["convener"], objection_id=o.pk, answer="经核查，该票由共有人李四投出。", now=at(2)
    )


def test_r_trust_2_owner_accepts_the_answer(publicised_world):
    w = publicised_world
    o = answered(w)
    done = services.objection_accept(actor=w["wang"], objection_id=o.pk, now=at(3))
    assert done.status == ResultObjection.Status.ACCEPTED
    assert Complaint.objects.count() == 0
    refused(
        Conflict, Code.ALREADY_CLOSED, lambda: services.objection_dispute(actor=w["wang"], objection_id=o.pk)
    )


def test_r_trust_2_accept_before_any_answer_is_refused(publicised_world):
    w = publicised_world
    o = raise_never(w)
    refused(
        Conflict, Code.NOT_ANSWERED, lambda: services.objection_accept(actor=w["wang"], objection_id=o.pk)
    )
    refused(
        Conflict, Code.NOT_ANSWERED, lambda: services.objection_dispute(actor=w["wang"], objection_id=o.pk)
    )


def test_r_trust_2_only_the_owner_who_raised_it_accepts_or_disputes(publicised_world):
    w = publicised_world
    o = answered(w)
    refused(
        Forbidden, Code.FORBIDDEN, lambda: services.objection_dispute(actor=w["convener"], objection_id=o.pk)
    )
    refused(NotFound, Code.NOT_FOUND, lambda: services.objection_accept(actor=w["li"], objection_id=o.pk))


def test_r_trust_2_disputed_answer_becomes_a_complaint_to_the_street_office_at_once(publicised_world):
    w = publicised_world
    o = answered(w)
    done = services.objection_dispute(
        actor=w["wang"], objection_id=o.pk, reason="我没有授权李四代投。", now=at(3)
    )
    assert done.status == ResultObjection.Status.DISPUTED
    complaint = done.complaint
    assert complaint.subject == Complaint.Subject.BALLOT
    assert complaint.meeting == w["meeting"]
    assert complaint.filed_by == w["wang"]
    assert complaint.status == Complaint.Status.SUBMITTED
    assert "1栋-102" in complaint.text and "经核查" in complaint.text
    filed = AuditEvent.objects.get(action="complaints.filed", object_id=str(complaint.pk))
    assert filed.summary["referred_from"] == {"objection": o.pk, "why": "disputed"}
    assert Notification.objects.filter(kind="complaint.filed", user=w["street"]).exists()
    refused(
        Conflict, Code.ALREADY_CLOSED, lambda: services.objection_accept(actor=w["wang"], objection_id=o.pk)
    )


# --- escalation --------------------------------------------------------------------------------


def test_r_trust_2_unanswered_objection_escalates_the_day_after_its_last_day(publicised_world):
    w = publicised_world
    o = raise_never(w)
    last = (o.answer_by - at(0).date()).days
    assert services.escalate_overdue(now=at(last, 23)) == []  # its last day: not yet
    assert services.escalate_overdue(now=at(last + 1, 0)) == [o.pk]
    o.refresh_from_db()
    assert o.status == ResultObjection.Status.COMPLAINT
    assert o.complaint.filed_by == w["wang"]
    filed = AuditEvent.objects.get(action="complaints.filed", object_id=str(o.complaint.pk))
    assert filed.summary["referred_from"]["why"] == "unanswered"
    assert services.escalate_overdue(now=at(last + 2)) == []  # once only


def test_r_trust_2_answered_objections_do_not_escalate(publicised_world):
    w = publicised_world
    o = answered(w)
    assert services.escalate_overdue(now=at(30)) == []
    o.refresh_from_db()
    assert o.status == ResultObjection.Status.ANSWERED


# --- referral by the street office -------------------------------------------------------------


def test_r_trust_2_street_office_refers_a_signal_to_the_convener_as_an_objection(publicised_world):
    w = publicised_world
    meeting = w["meeting"]
    o = services.objection_refer(
        actor=w["street"],
        estate=meeting.estate,
        meeting=meeting,
        flat=w["flats"]["1栋-102"],
        text="同一手机号在多户绑定并投票，请核查。",
        now=at(1),
    )
    assert o.kind == ResultObjection.Kind.REFERRED
    assert o.answer_by == w["publicity"].ends_on
    assert Notification.objects.filter(kind="objection.raised", user=w["convener"]).exists()
    services.objection_answer(
        actor=w["convener"], objection_id=o.pk, answer="已核查并解除可疑绑定。", now=at(2)
    )


def test_r_trust_2_only_the_supervisor_refers(publicised_world):
    w = publicised_world
    meeting = w["meeting"]
    refused(
        Forbidden,
        Code.REFER_FORBIDDEN,
        lambda: services.objection_refer(
            actor=w["convener"], estate=meeting.estate, meeting=meeting, text="自查", now=at(1)
        ),
    )
    refused(
        NotFound,
        Code.MEETING_NOT_FOUND,
        lambda: services.objection_refer(
            actor=w["zhang"], estate=meeting.estate, meeting=meeting, text="自查", now=at(1)
        ),
    )


# --- the database's own guard ------------------------------------------------------------------


def test_r_trust_2_database_refuses_an_answered_objection_without_answer(publicised_world):
    w = publicised_world
    o = raise_never(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultObjection.objects.filter(pk=o.pk).update(status="answered")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultObjection.objects.filter(pk=o.pk).update(status="complaint")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultObjection.objects.filter(pk=o.pk).update(status="withdrawn")


def test_r_trust_2_publicity_fixture_is_ten_days(publicised_world):
    p = ResultPublicity.objects.get()
    assert (p.ends_on - p.starts_on).days == 10
