"""Reviewing impersonation signals (R-TRUST-1): who sees them, each outcome of a review, the
transitions refused, and revealing a masked value (logged, with a reason). A signal never blocks
anyone: the owners it names keep their bindings whatever the review says."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.bindings.models import Binding
from ownervote.complaints import selectors as complaint_selectors
from ownervote.complaints.models import Complaint
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.todo import for_user
from ownervote.trust import selectors, services
from ownervote.trust.access import Need, access_signal
from ownervote.trust.errors import Code
from ownervote.trust.models import Signal, SignalReveal, SignalReview

from .conftest import NOW, actions

pytestmark = pytest.mark.django_db


def review(actor, signal, outcome="dismissed", note="核实为一家人共用手机"):
    return services.signal_review(actor=actor, signal_id=signal.pk, outcome=outcome, note=note, now=NOW)


def state(signal) -> tuple:
    signal.refresh_from_db()
    return (
        signal.status,
        signal.reviewed_at,
        signal.complaint_id,
        SignalReview.objects.count(),
        SignalReveal.objects.count(),
        Complaint.objects.count(),
    )


# --- who sees a signal ----------------------------------------------------------------------------


def test_r_trust_1_the_handling_street_office_sees_and_reviews(staff, signal):
    assert access_signal(staff["street"], signal.pk, need=Need.REVIEW) == signal
    assert access_signal(staff["street"], signal.pk, need=Need.REVEAL) == signal


def test_r_trust_1_another_street_office_gets_404(staff, signal):
    with pytest.raises(NotFound) as e:
        access_signal(staff["other_street"], signal.pk)
    assert e.value.code == Code.NOT_FOUND
    assert selectors.signal_list(staff["other_street"]) == []


@pytest.mark.parametrize("role", ["city", "community", "convener", "other_convener", "pending"])
def test_r_trust_1_other_staff_do_not_see_signals(staff, signal, role):
    with pytest.raises(NotFound):
        access_signal(staff[role], signal.pk)


def test_r_trust_1_an_owner_is_refused_with_403(owner_world, signal):
    with pytest.raises(Forbidden) as e:
        access_signal(owner_world["zhang"], signal.pk)
    assert e.value.code == Code.STAFF_ONLY


def test_r_trust_1_the_district_reads_its_streets_signals_but_cannot_act(staff, signal):
    assert access_signal(staff["district"], signal.pk) == signal
    assert [s.pk for s in selectors.signal_list(staff["district"])] == [signal.pk]
    before = state(signal)
    with pytest.raises(Forbidden):
        review(staff["district"], signal)
    with pytest.raises(Forbidden):
        services.signal_reveal(
            actor=staff["district"], signal_id=signal.pk, item=0, field="mobile", reason="核查", now=NOW
        )
    assert state(signal) == before


def test_r_trust_1_a_district_handles_what_a_street_office_convenes(staff, make_signal, geo):
    """Where the street office convenes, the district bureau is the handler (supervisor_of)."""
    s = make_signal(handler_kind="district_bureau", handler_division=geo["futian"])
    assert access_signal(staff["district"], s.pk, need=Need.REVIEW) == s
    with pytest.raises(NotFound):
        access_signal(staff["street"], s.pk)


def test_r_trust_1_a_missing_signal_is_404(staff):
    with pytest.raises(NotFound):
        access_signal(staff["street"], 999_999)


# --- the list and the home page ---------------------------------------------------------------------


def test_r_trust_1_open_signals_come_first_and_filters_apply(staff, make_signal, estates):
    old_open = make_signal(last_seen_at=NOW.replace(day=1, hour=1))
    dismissed = make_signal()
    review(staff["street"], dismissed)
    proxies = make_signal(kind="proxy_concentration")
    rows = selectors.signal_list(staff["street"])
    assert [s.pk for s in rows] == [proxies.pk, old_open.pk, dismissed.pk]
    assert [s.pk for s in selectors.signal_list(staff["street"], status="dismissed")] == [dismissed.pk]
    assert [s.pk for s in selectors.signal_list(staff["street"], kind="proxy_concentration")] == [proxies.pk]
    assert selectors.signal_list(staff["street"], estate_id=estates["c"].pk) == []


def test_r_trust_1_the_street_office_home_lists_open_signals(staff, make_signal):
    assert not [t for t in for_user(staff["street"], NOW.date()) if t.key == "signals"]
    make_signal()
    make_signal()
    (todo,) = [t for t in for_user(staff["street"], NOW.date()) if t.key == "signals"]
    assert "2" in todo.title and todo.url.startswith("/console/signals/")
    # read-only viewers and other offices are not asked to review it
    for role in ("district", "other_street", "convener"):
        assert not [t for t in for_user(staff[role], NOW.date()) if t.key == "signals"]


# --- outcomes ---------------------------------------------------------------------------------------


def test_r_trust_1_dismissed_records_who_why_and_how_much_evidence(staff, signal, estates, owner_world):
    done = review(staff["street"], signal, "dismissed", "核实为一家人共用手机")
    assert done.status == Signal.Status.DISMISSED
    assert done.reviewed_by == staff["street"] and done.reviewed_at == NOW and done.reviewed_count == 2
    (r,) = SignalReview.objects.all()
    assert (r.outcome, r.note, r.reviewer_real_name, r.evidence_count) == (
        "dismissed",
        "核实为一家人共用手机",
        staff["street"].real_name,
        2,
    )
    assert r.organisation.kind == "street_office"
    assert actions(estates["a"])[-1] == "trust.reviewed"
    # nothing here blocks anyone: the bindings the evidence names are untouched
    assert Binding.objects.filter(status=Binding.Status.ACTIVE, pk=owner_world["zhang_binding"].pk).exists()


def test_r_trust_1_a_signal_about_bindings_alone_is_not_referred_as_an_objection(staff, signal):
    """Referring makes an objection to a meeting's result (R-TRUST-2): a signal about bindings
    alone is dismissed or becomes a complaint; the refusal changes nothing. The referral itself:
    tests/trust/test_objections_wiring.py."""
    before = state(signal)
    with pytest.raises(Conflict) as e:
        review(staff["street"], signal, "referred", "请召集人作为异议答复")
    assert e.value.code == Code.REFER_NEEDS_MEETING
    assert state(signal) == before


def test_r_trust_1_became_a_complaint_opens_one_in_the_complaints_queue(staff, signal, owner_world):
    done = review(staff["street"], signal, "complaint", "同一手机绑定多户，需调查")
    c = done.complaint
    assert done.status == Signal.Status.COMPLAINT and c is not None
    assert c.on_own_initiative and c.filed_by == staff["street"] and c.status == Complaint.Status.SUBMITTED
    assert c.subject == Complaint.Subject.BINDING and "同一手机绑定多户" in c.text
    assert [x.pk for x in complaint_selectors.queue(staff["street"])] == [c.pk]
    # it is nobody's own complaint: not in the staff member's or any owner's "my complaints"
    assert not complaint_selectors.mine(staff["street"]).exists()
    assert not complaint_selectors.mine(owner_world["zhang"]).exists()


@pytest.mark.parametrize("outcome", ["dismissed", "complaint"])  # referred: test_objections_wiring.py
def test_r_trust_1_a_reviewed_signal_cannot_be_reviewed_again(staff, signal, outcome):
    review(staff["street"], signal, outcome)
    before = state(signal)
    for again in ("dismissed", "referred", "complaint"):
        with pytest.raises(Conflict) as e:
            review(staff["street"], signal, again)
        assert e.value.code == Code.ALREADY_REVIEWED
    assert state(signal) == before


@pytest.mark.parametrize(
    ("outcome", "note", "code"),
    [
        ("", "理由", Code.OUTCOME_INVALID),
        ("open", "理由", Code.OUTCOME_INVALID),
        ("blocked", "理由", Code.OUTCOME_INVALID),
        ("dismissed", "", Code.NOTE_REQUIRED),
        ("complaint", "   ", Code.NOTE_REQUIRED),
    ],
)
def test_r_trust_1_a_bad_review_changes_nothing(staff, signal, estates, outcome, note, code):
    before, events = state(signal), actions()
    with pytest.raises(InvalidInput) as e:
        review(staff["street"], signal, outcome, note)
    assert e.value.code == code
    assert state(signal) == before and actions() == events


def test_r_trust_1_a_complaint_needs_the_supervising_office(staff, estates):
    from ownervote.complaints import services as complaints
    from ownervote.complaints.errors import Code as ComplaintCode

    with pytest.raises(Forbidden) as e:
        complaints.complaint_open_by_office(
            actor=staff["other_street"],
            estate=estates["a"],
            subject="binding",
            text="同一手机绑定多户，需调查",
        )
    assert e.value.code == ComplaintCode.NOT_SUPERVISOR
    assert not Complaint.objects.exists()


# --- reveal -------------------------------------------------------------------------------------------


def test_r_trust_1_reveal_returns_the_clear_value_and_logs_it(staff, signal, estates):
    mobile = services.signal_reveal(
        actor=staff["street"], signal_id=signal.pk, item=0, field="mobile", reason="核对是否一家人", now=NOW
    )
    assert mobile == "13900000001"  # zhang's account mobile, masked in the evidence
    owner = services.signal_reveal(
        actor=staff["street"], signal_id=signal.pk, item=1, field="owner", reason="核对业主", now=NOW
    )
    assert owner == "李四"
    rows = list(SignalReveal.objects.values_list("item", "field", "reason", "by", "at"))
    assert rows == [
        (0, "mobile", "核对是否一家人", staff["street"].pk, NOW),
        (1, "owner", "核对业主", staff["street"].pk, NOW),
    ]
    events = actions(estates["a"])
    assert events.count("trust.revealed") == 2 and events.count("pii.read") == 2
    assert signal.evidence[0]["mobile"] != mobile  # the stored evidence stays masked


@pytest.mark.parametrize("reason", ["", "   "])
def test_r_trust_1_reveal_without_a_reason_shows_nothing_and_changes_nothing(staff, signal, reason):
    events = actions()
    with pytest.raises(InvalidInput) as e:
        services.signal_reveal(
            actor=staff["street"], signal_id=signal.pk, item=0, field="mobile", reason=reason
        )
    assert e.value.code == Code.REASON_REQUIRED
    assert not SignalReveal.objects.exists() and actions() == events


@pytest.mark.parametrize(
    ("item", "field", "error", "code"),
    [
        (5, "mobile", NotFound, Code.EVIDENCE_NOT_FOUND),
        (0, "at", InvalidInput, Code.FIELD_NOT_REVEALABLE),
        (0, "password", InvalidInput, Code.FIELD_NOT_REVEALABLE),
        (0, "holder", InvalidInput, Code.FIELD_NOT_REVEALABLE),  # not in this item's evidence
    ],
)
def test_r_trust_1_reveal_of_what_the_evidence_does_not_hold_is_refused(
    staff, signal, item, field, error, code
):
    with pytest.raises(error) as e:
        services.signal_reveal(
            actor=staff["street"], signal_id=signal.pk, item=item, field=field, reason="核查"
        )
    assert e.value.code == code
    assert not SignalReveal.objects.exists()


def test_r_trust_1_reveal_never_reads_a_row_of_another_estate(staff, make_signal, estates, owner_world):
    """Evidence naming a binding of another estate (a corrupted signal) reveals nothing."""
    from ownervote.trust.models import Kind

    entry = {"type": "binding", "id": owner_world["zhang_binding"].pk, "mobile": "139****0001"}
    s = make_signal(kind=Kind.SHARED_DEVICE, estate=estates["b"], evidence=[entry])
    with pytest.raises(NotFound) as e:
        services.signal_reveal(actor=staff["street"], signal_id=s.pk, item=0, field="mobile", reason="核查")
    assert e.value.code == Code.EVIDENCE_NOT_FOUND
    assert not SignalReveal.objects.exists()


def test_r_trust_1_a_signal_about_ballots_becomes_a_complaint_about_a_ballot(staff, make_signal, estates):
    """The complaint names the signal's meeting and is about a ballot; the handler is the supervisor
    of that meeting's convener (the street office for an owners' committee)."""
    from ownervote.meetings.models import Meeting
    from tests.permissions.test_api_matrix import _meetings

    meeting = Meeting.objects.get(pk=_meetings(staff["convener"], estates["a"])["published"])
    s = make_signal(kind="address_ballots", meeting=meeting, key="addr")
    c = review(staff["street"], s, "complaint", "同一地址几分钟内多户投票").complaint
    assert (c.subject, c.meeting_id, c.handler_kind) == ("ballot", meeting.pk, "street_office")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=st.integers(min_value=-5, max_value=50), field=st.text(max_size=12))
def test_r_trust_1_any_reveal_request_gives_the_value_or_a_refusal(staff, signal, item, field):
    """Whatever item and field are asked, the answer is the clear value or a coded refusal, never
    an error; a refusal logs nothing."""
    before = SignalReveal.objects.count()
    try:
        value = services.signal_reveal(
            actor=staff["street"], signal_id=signal.pk, item=item, field=field, reason="核查", now=NOW
        )
    except (InvalidInput, NotFound) as e:
        assert e.code in {Code.EVIDENCE_NOT_FOUND, Code.FIELD_NOT_REVEALABLE}
        assert SignalReveal.objects.count() == before
    else:
        assert (item, field) in {(0, "mobile"), (1, "mobile"), (0, "owner"), (1, "owner")}
        assert value and "*" not in value
        assert SignalReveal.objects.count() == before + 1
