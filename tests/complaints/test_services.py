"""Complaints (R-SEC-4): each step and each refusal of the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ownervote.complaints import selectors, services
from ownervote.complaints.errors import Code
from ownervote.complaints.models import Complaint
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.files import Upload
from ownervote.meetings.selectors import calendar
from ownervote.rules import complaints as limits

from .conftest import PDF_FILE, TEXT, actions, inbox, png, sms_to

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # header and trailer, no cross-reference


def file(actor, estates, **kw) -> Complaint:
    kw.setdefault("subject", Complaint.Subject.BINDING)
    kw.setdefault("text", TEXT)
    return services.complaint_file(actor=actor, estate_id=estates["a"].pk, **kw)


# --- who may complain ---------------------------------------------------------------------------


def test_a_bound_owner_complains_with_a_photo_and_a_pdf(owner_world, estates, staff):
    zhang = owner_world["zhang"]
    pdf = Upload(name="记录.pdf", content=PDF_FILE, content_type="application/octet-stream")
    c = file(zhang, estates, files=[png(), pdf])
    assert c.status == Complaint.Status.SUBMITTED
    assert c.handler_kind == "street_office" and c.handler_division_id == estates["a"].street_id
    assert c.accept_by == limits.accept_by(calendar(), timezone.localdate())
    assert sorted(f.content_type for f in c.files.all()) == ["application/pdf", "image/png"]
    assert c.name_masked and c.mobile_masked  # sealed, from the verified identity
    assert "complaints.filed" in actions(estates["a"])
    assert inbox(staff["street"], "complaint.filed")  # the handling office is told
    assert not inbox(staff["district"], "complaint.filed")
    assert inbox(zhang, "complaint.received")
    assert any(m.kind == "complaint.received" for m in sms_to(zhang))  # and by SMS


def test_an_unverified_unbound_owner_listed_with_their_mobile_complains(zhao, estates):
    c = file(zhao, estates)
    assert c.filed_by == zhao
    assert c.name_masked  # the roster's name for that mobile
    assert [e.pk for e in selectors.complainable_estates(zhao)] == [estates["a"].pk]


def test_a_verified_owner_not_bound_complains(owner_world, estates):
    assert file(owner_world["wang"], estates).pk


@pytest.mark.parametrize("who", ["newcomer", "staff"])
def test_somebody_who_is_not_an_owner_is_refused(owner_world, estates, staff, who, snapshot):
    actor = owner_world["newcomer"] if who == "newcomer" else staff["street"]
    before = snapshot()
    with pytest.raises(Forbidden) as e:
        file(actor, estates)
    assert e.value.code == Code.NOT_OWNER
    assert snapshot() == before


def test_an_owner_of_another_estate_is_refused(owner_world, estates):
    with pytest.raises(Forbidden):
        services.complaint_file(
            actor=owner_world["zhang"], estate_id=estates["c"].pk, subject="binding", text=TEXT
        )


def test_a_missing_estate_is_not_found(owner_world):
    with pytest.raises(NotFound):
        services.complaint_file(actor=owner_world["zhang"], estate_id=999999, subject="binding", text=TEXT)


# --- what a complaint must say ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"text": "太短"}, Code.TEXT_TOO_SHORT),
        ({"text": "   "}, Code.TEXT_TOO_SHORT),
        ({"subject": "weather"}, Code.SUBJECT_INVALID),
        ({"subject": "count"}, Code.MEETING_REQUIRED),
        ({"files": [Upload(name="a.exe", content=b"MZ\x90\x00", content_type="image/png")]}, Code.FILE_TYPE),
        ({"files": [Upload(name="a.gif", content=b"GIF89a....", content_type="image/gif")]}, Code.FILE_TYPE),
        ({"files": [png(f"{i}.png") for i in range(6)]}, Code.TOO_MANY_FILES),
        # only starts like a PDF (the 45 bytes of issue 22 item 10): every upload is whole
        ({"files": [Upload(name="a.pdf", content=FAKE_PDF, content_type="application/pdf")]}, "file.not_pdf"),
    ],
)
def test_refused_input(owner_world, estates, kw, code, snapshot):
    before = snapshot()
    with pytest.raises(InvalidInput) as e:
        file(owner_world["zhang"], estates, **kw)
    assert e.value.code == code
    assert snapshot() == before
    assert not Complaint.objects.exists()


def test_a_meeting_of_another_estate_or_a_draft_is_not_found(owner_world, estates, staff):
    from ownervote.meetings import services as meeting_services
    from tests.meetings.conftest import meeting_input
    from tests.owners import confirm_totals

    draft = meeting_services.meeting_create(
        actor=staff["convener"], estate_id=estates["a"].pk, **meeting_input()
    )
    with pytest.raises(NotFound):
        file(owner_world["zhang"], estates, subject="meeting", meeting_id=draft.pk)
    confirm_totals(estates["a"], staff["convener"])  # R-ROSTER-1: entered on confirmed totals
    meeting_services.meeting_submit(actor=staff["convener"], meeting_id=draft.pk)
    c = file(owner_world["zhang"], estates, subject="count", meeting_id=draft.pk)
    assert c.meeting_id == draft.pk and c.handler_kind == "street_office"


def test_where_the_street_office_convenes_the_district_handles(owner_world, estates, staff, make_staff):
    make_staff("street_office", estate=estates["a"])  # the street office convenes estate a (art. 33)
    c = file(owner_world["zhang"], estates)
    assert c.handler_kind == "district_bureau" and c.handler_division_id == estates["a"].street.parent_id
    assert inbox(staff["district"], "complaint.filed")
    assert not inbox(staff["street"], "complaint.filed")
    services.complaint_accept(actor=staff["district"], complaint_id=c.pk)
    with pytest.raises(NotFound):
        services.complaint_accept(actor=staff["street"], complaint_id=c.pk)


# --- the handling office's steps ------------------------------------------------------------------


def test_accept_then_conclude(owner_world, estates, staff):
    zhang, street = owner_world["zhang"], staff["street"]
    c = file(zhang, estates)
    c = services.complaint_accept(actor=street, complaint_id=c.pk, note="已受理，将调阅计票记录。")
    assert c.status == Complaint.Status.ACCEPTED
    assert c.conclude_by == limits.conclude_by(calendar(), timezone.localdate())
    assert c.handling_organisation == street.memberships.get().organisation
    assert inbox(zhang, "complaint.accepted")
    c = services.complaint_conclude(
        actor=street,
        complaint_id=c.pk,
        investigation="调阅了计票录像。",
        outcome="计票过程合规，投诉不成立。",
    )
    assert c.status == Complaint.Status.CONCLUDED and c.concluder_real_name == street.real_name
    assert inbox(zhang, "complaint.concluded")[0].body.endswith("计票过程合规，投诉不成立。")
    assert [m.kind for m in sms_to(zhang)] == [
        "complaint.received",
        "complaint.accepted",
        "complaint.concluded",
    ]
    assert actions(estates["a"])[-3:] == ["complaints.filed", "complaints.accepted", "complaints.concluded"]


def test_decline_with_a_reason(owner_world, estates, staff):
    c = file(owner_world["zhang"], estates)
    with pytest.raises(InvalidInput) as e:
        services.complaint_decline(actor=staff["street"], complaint_id=c.pk, reason=" ")
    assert e.value.code == Code.REASON_REQUIRED
    c = services.complaint_decline(actor=staff["street"], complaint_id=c.pk, reason="不属于投票事宜。")
    assert c.status == Complaint.Status.DECLINED
    assert "不属于投票事宜" in inbox(owner_world["zhang"], "complaint.declined")[0].body


def test_wrong_status_is_a_conflict(owner_world, estates, staff):
    street = staff["street"]
    c = file(owner_world["zhang"], estates)
    with pytest.raises(Conflict) as e:
        services.complaint_conclude(actor=street, complaint_id=c.pk, investigation="x", outcome="y")
    assert e.value.code == Code.NOT_ACCEPTED
    services.complaint_decline(actor=street, complaint_id=c.pk, reason="不属于投票事宜。")
    with pytest.raises(Conflict) as e:
        services.complaint_accept(actor=street, complaint_id=c.pk)
    assert e.value.code == Code.ALREADY_DECIDED


def test_conclusion_needs_investigation_and_outcome(owner_world, estates, staff):
    c = file(owner_world["zhang"], estates)
    services.complaint_accept(actor=staff["street"], complaint_id=c.pk)
    for kw, code in (
        ({"investigation": "", "outcome": "y"}, Code.INVESTIGATION_REQUIRED),
        ({"investigation": "x", "outcome": ""}, Code.OUTCOME_REQUIRED),
    ):
        with pytest.raises(InvalidInput) as e:
            services.complaint_conclude(actor=staff["street"], complaint_id=c.pk, **kw)
        assert e.value.code == code


@pytest.mark.parametrize("who", ["district", "city", "community", "convener", "other_street"])
def test_only_the_handling_office_handles(owner_world, estates, staff, who):
    c = file(owner_world["zhang"], estates)
    with pytest.raises(NotFound):  # not even visible: who complained is the office's alone
        services.complaint_accept(actor=staff[who], complaint_id=c.pk)


def test_the_complainant_cannot_handle_their_own(owner_world, estates):
    c = file(owner_world["zhang"], estates)
    with pytest.raises(Forbidden) as e:
        services.complaint_accept(actor=owner_world["zhang"], complaint_id=c.pk)
    assert e.value.code == Code.FORBIDDEN
    with pytest.raises(NotFound):
        services.complaint_accept(actor=owner_world["li"], complaint_id=c.pk)


# --- privacy, files, figures ---------------------------------------------------------------------


def test_identity_in_clear_only_to_the_office_and_logged(owner_world, estates, staff):
    c = file(owner_world["zhang"], estates)
    shown = services.complainant_contact(actor=staff["street"], complaint_id=c.pk)
    assert shown == {"name": "张三", "mobile": owner_world["zhang"].mobile_masked and shown["mobile"]}
    assert shown["mobile"].startswith("1") and len(shown["mobile"]) == 11
    assert actions(estates["a"]).count("pii.read") == 2
    with pytest.raises(NotFound):
        services.complainant_contact(actor=staff["district"], complaint_id=c.pk)
    with pytest.raises(Forbidden):
        services.complainant_contact(actor=owner_world["zhang"], complaint_id=c.pk)


def test_audit_summaries_carry_no_name(owner_world, estates, staff):
    from ownervote.audit.models import AuditEvent

    c = file(owner_world["zhang"], estates, files=[png()])
    services.complaint_decline(actor=staff["street"], complaint_id=c.pk, reason="张三的投诉不属于投票事宜。")
    for event in AuditEvent.objects.filter(action__startswith="complaints."):
        text = str(event.summary)
        assert "张三" not in text and TEXT not in text


def test_files_read_by_the_office_and_logged(owner_world, estates, staff):
    c = file(owner_world["zhang"], estates, files=[png()])
    f = c.files.get()
    _stored, content = services.complaint_file_read(actor=staff["street"], complaint_id=c.pk, file_id=f.pk)
    assert content.startswith(b"\x89PNG")
    assert actions(estates["a"])[-1] == "file.read"
    with pytest.raises(NotFound):
        services.complaint_file_read(actor=staff["district"], complaint_id=c.pk, file_id=f.pk)
    with pytest.raises(NotFound):
        services.complaint_file_read(actor=staff["street"], complaint_id=c.pk, file_id=f.pk + 1000)


def test_overdue_in_the_queue_and_the_figures_without_identity(owner_world, estates, staff):
    filed_on = timezone.localdate()
    c = file(owner_world["zhang"], estates)
    fresh = file(owner_world["li"], estates)
    Complaint.objects.filter(pk=fresh.pk).update(accept_by=filed_on + dt.timedelta(days=40))
    later = dt.datetime.combine(c.accept_by + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        today = timezone.localdate()
        rows = selectors.queue(staff["street"])
        assert rows[0].pk == c.pk and rows[0].overdue and not rows[1].overdue
        assert selectors.open_count(staff["street"]) == (2, 1)
        figures = selectors.figures(staff["district"])
        assert figures.total == 2 and figures.overdue_accept == 1 and figures.overdue_conclude == 0
        assert [o.pk for o in figures.overdue] == [c.pk] and figures.overdue[0].days_late == (
            today - c.accept_by
        ).days
        city = selectors.figures(staff["city"])
        assert city.total == 2 and {r["division"].name: r["overdue"] for r in city.rows} == {
            "福田区": 1,
            "南山区": 0,
        }
    assert selectors.queue(staff["other_street"]) == []
    assert selectors.queue(staff["district"]) == []  # the street office handles; the district oversees


def test_a_division_outside_ones_own_is_not_found(owner_world, geo, staff):
    with pytest.raises(NotFound):
        selectors.figures(staff["district"], division_id=geo["nanshan"].pk)
    assert selectors.figures(staff["district"], division_id=geo["shatou"].pk).division == geo["shatou"]


def test_r_sec_4_the_time_limit_is_extended_once_by_30_days_with_a_reason(owner_world, estates, staff):
    """《信访工作条例》: a complex case may get at most 30 days more, once, the complainant told why;
    refusals change nothing."""
    zhang, street = owner_world["zhang"], staff["street"]
    c = file(zhang, estates)
    with pytest.raises(Conflict) as exc:  # not accepted yet
        services.complaint_extend(actor=street, complaint_id=c.pk, reason="需调取监控。")
    assert exc.value.code == Code.NOT_ACCEPTED
    c = services.complaint_accept(actor=street, complaint_id=c.pk)
    before = c.conclude_by
    with pytest.raises(InvalidInput) as exc:
        services.complaint_extend(actor=street, complaint_id=c.pk, reason="  ")
    assert exc.value.code == Code.REASON_REQUIRED
    with pytest.raises((Forbidden, NotFound)):
        services.complaint_extend(actor=staff["district"], complaint_id=c.pk, reason="需调取监控。")
    c.refresh_from_db()
    assert (c.conclude_by, c.extended_at) == (before, None)
    c = services.complaint_extend(actor=street, complaint_id=c.pk, reason="需调取物业公司监控录像。")
    assert c.conclude_by == limits.extended_conclude_by(calendar(), before) > before
    assert (c.conclude_by - before).days >= limits.EXTEND_DAYS
    assert "需调取物业公司监控录像" in inbox(zhang, "complaint.extended")[0].body
    assert "complaint.extended" in [m.kind for m in sms_to(zhang)]
    assert actions(estates["a"])[-1] == "complaints.extended"
    with pytest.raises(Conflict) as exc:
        services.complaint_extend(actor=street, complaint_id=c.pk, reason="再次延期。")
    assert exc.value.code == Code.ALREADY_EXTENDED


def test_r_sec_4_no_extension_once_the_time_limit_has_run_out(owner_world, estates, staff):
    street = staff["street"]
    c = services.complaint_accept(actor=street, complaint_id=file(owner_world["zhang"], estates).pk)
    after = dt.datetime.combine(
        c.conclude_by + dt.timedelta(days=1), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(after, tick=False), pytest.raises(Conflict) as exc:
        services.complaint_extend(actor=street, complaint_id=c.pk, reason="需调取监控。")
    assert exc.value.code == Code.EXTENSION_TOO_LATE
    c.refresh_from_db()
    assert c.extended_at is None
