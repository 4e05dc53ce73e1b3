"""Publicising a meeting (R-MTG-3, R-MTG-5) with the binding list (R-BIND-3), the community
committee's invitation three working days before (R-MTG-4), and the opening of the voting
scheduled for its time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from weasyprint import HTML

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist.models import Publication
from ownervote.core import pii
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.files import Upload
from ownervote.meetings import access, selectors, services
from ownervote.meetings.models import Meeting, MeetingDocument, Publicity
from ownervote.notify.testing import run_worker
from ownervote.roster.models import Estate
from tests.owners import confirm_totals
from tests.pdfs import minimal_pdf

from .conftest import (
    PDF,
    actions,
    at,
    attach_all,
    day,
    guide,
    inbox,
    meeting_input,
    on,
    outbox,
    today,
    unshipped_year,
    weekday_on_or_after,
)


def _backdate_entry(meeting: Meeting, entered: int, held: int) -> None:
    """An entered meeting whose entry was ``entered`` days from today, held ``held`` days from
    today (time has passed since it was entered)."""
    Meeting.objects.filter(pk=meeting.pk).update(
        entered_on=day(entered),
        starts_at=at(held, 9),
        voting_opens_at=at(held, 9),
        voting_closes_at=at(held, 18),
    )


def test_publishing_publicises_until_the_meeting_day(owner_world, staff, estates, make_meeting):  # R-MTG-3
    convener, a = staff["convener"], estates["a"]
    meeting = make_meeting(25, "submitted")
    guide(meeting)
    publicity = services.meeting_publish(actor=convener, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert (publicity.starts_on, publicity.ends_on) == (today(), day(25))
    assert (meeting.publicity_starts_on, meeting.publicity_ends_on) == (today(), day(25))
    assert publicity.version.number == 1 and publicity.reason == "" and publicity.superseded_at is None
    assert actions(a)[-2:] == ["bindinglist.published", "meeting.published"]
    # The public notice exists now.
    assert access.access_public_meeting(meeting.pk) == meeting
    # Bound owners are told, in the inbox and by SMS; the unbound are not.
    for who in ("zhang", "li"):
        (note,) = inbox(owner_world[who], "meeting.published")
        assert "碧海花园会所二楼" in note.body
        assert note.link == reverse("meetings:notice", args=[meeting.pk])
    assert {m.channel for m in outbox(f"meeting:{meeting.pk}:published")} == {"inbox", "sms"}
    assert not inbox(owner_world["wang"]) and not inbox(owner_world["newcomer"])


def test_the_binding_list_is_published_with_it(owner_world, staff, estates, make_meeting):  # R-BIND-3
    meeting = make_meeting(25, "published")
    publicity = Publicity.objects.get(meeting=meeting)
    (publication,) = Publication.objects.filter(estate=estates["a"])
    assert publicity.binding_publication == publication
    assert (publication.starts_on, publication.ends_on) == (today(), day(25))
    assert publication.binding_count == 2
    assert (publication.ends_on - publication.starts_on).days >= 10  # art. 14 "至少10日"


def test_r_bind_3_a_list_ending_day_7_is_extended_not_reused(owner_world, staff, estates, make_meeting):
    """R-BIND-3: a list running from day -3 to day 7 of the meeting's publicity would run 7 days
    with it: it serves the meeting only once extended to run 10 days from the publicity start."""
    convener = staff["convener"]
    running = Publication.objects.create(
        estate=estates["a"],
        starts_on=day(-3),
        ends_on=day(7),
        binding_count=2,
        list_digest="0" * 64,
        published_by=convener,
        publisher_real_name=convener.real_name,
        publisher_organisation=convener.memberships.get().organisation,
    )
    meeting = make_meeting(25, "published")
    assert Publicity.objects.get(meeting=meeting).binding_publication == running
    assert Publication.objects.count() == 1
    running.refresh_from_db()
    assert running.ends_on == selectors.calendar().period_end(today(), 10) >= day(10)
    assert "bindinglist.extended" in actions(estates["a"])


def test_publicity_exactly_fifteen_days_before(staff, make_meeting):  # R-MTG-3 boundary
    meeting = make_meeting(25, "submitted")
    _backdate_entry(meeting, -10, 15)
    publicity = services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    assert (publicity.starts_on, publicity.ends_on) == (today(), day(15))


def test_publicity_fourteen_days_before_is_refused(staff, make_meeting, snapshot):  # R-MTG-3
    meeting = make_meeting(25, "submitted")
    _backdate_entry(meeting, -10, 14)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    error = exc.value
    assert error.code == "meeting.schedule"
    (problem,) = error.details["problems"]
    assert (problem["code"], problem["rule"]) == ("publicity_too_late", "R-MTG-3")
    assert error.details["earliest_held_on"] == day(15).isoformat()
    assert (
        "第十二条" in problem["message"]
        and "R-MTG-3" not in problem["message"]
        and day(15).isoformat() in problem["message"]
    )
    assert snapshot() == before


def test_publicity_lasts_at_least_ten_days(staff, make_meeting):  # R-MTG-3, art. 14, 29
    meeting = make_meeting(25, "published")
    publicity = Publicity.objects.get(meeting=meeting)
    assert publicity.ends_on >= selectors.calendar().period_end(publicity.starts_on, 10)


@pytest.mark.parametrize("who", ["street", "community", "city"])
def test_only_the_convener_publishes(staff, make_meeting, snapshot, who):
    meeting = make_meeting(25, "submitted")
    before = snapshot()
    with pytest.raises(Forbidden):
        services.meeting_publish(actor=staff[who], meeting_id=meeting.pk)
    assert snapshot() == before


def test_a_draft_cannot_be_published(staff, make_meeting, snapshot):
    meeting = make_meeting(25)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    assert exc.value.code == "meeting.wrong_status"
    assert snapshot() == before


def test_an_estate_without_community_cannot_invite_its_committee(
    make_staff, staff, geo, estates, snapshot
):  # R-MTG-4
    """The totals are confirmed only with the community completed (R-ROSTER-1), so the community
    can only be missing at publication when it was taken off the estate after the entry."""
    keeper = make_staff("owners_committee", estate=estates["b"])
    Estate.objects.filter(pk=estates["b"].pk).update(community=geo["shazui"])
    estates["b"].refresh_from_db()
    confirm_totals(estates["b"], keeper)
    meeting = services.meeting_create(actor=keeper, estate_id=estates["b"].pk, **meeting_input(25))
    services.meeting_submit(actor=keeper, meeting_id=meeting.pk)
    guide(meeting)
    Estate.objects.filter(pk=estates["b"].pk).update(community=None)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=keeper, meeting_id=meeting.pk)
    assert exc.value.code == "meeting.no_community"
    assert snapshot() == before


# --- the first assembly's documents (R-MTG-5) -------------------------------------------------


def test_a_first_assembly_missing_a_document_is_refused(preparatory, make_meeting, snapshot):  # R-MTG-5
    meeting = make_meeting(25, "submitted", actor=preparatory, kind="first")
    attach_all(preparatory, meeting, kinds=[MeetingDocument.Kind.OWNER_LIST, MeetingDocument.Kind.TOTALS])
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=preparatory, meeting_id=meeting.pk)
    assert exc.value.code == "meeting.documents_missing"
    assert exc.value.details["missing"] == ["management_rules", "procedure_rules", "voting_rules"]
    assert "管理规约" in str(exc.value.message) or "management rules" in str(exc.value.message)
    assert snapshot() == before
    # An "other" document does not stand in for a required one.
    attach_all(preparatory, meeting, kinds=[MeetingDocument.Kind.OTHER])
    with pytest.raises(Conflict):
        services.meeting_publish(actor=preparatory, meeting_id=meeting.pk)
    attach_all(
        preparatory,
        meeting,
        kinds=[
            MeetingDocument.Kind.MANAGEMENT_RULES,
            MeetingDocument.Kind.PROCEDURE_RULES,
            MeetingDocument.Kind.VOTING_RULES,
        ],
    )
    guide(meeting)
    services.meeting_publish(actor=preparatory, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == "published"


def test_a_first_assembly_with_no_documents_lists_all_five(preparatory, make_meeting):  # R-MTG-5
    meeting = make_meeting(25, "submitted", actor=preparatory, kind="first")
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=preparatory, meeting_id=meeting.pk)
    assert exc.value.details["missing"] == [str(k) for k in MeetingDocument.REQUIRED_FOR_FIRST]


def test_a_regular_meeting_needs_no_documents(staff, make_meeting):  # R-MTG-5 applies to the first only
    meeting = make_meeting(25, "published")
    assert meeting.status == "published" and not selectors.missing_documents(meeting)


def test_documents_are_checked_and_kept_once_publicised(preparatory, make_meeting, snapshot):  # R-MTG-5
    meeting = make_meeting(25, "submitted", actor=preparatory, kind="first")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.document_add(
            actor=preparatory,
            meeting_id=meeting.pk,
            kind="owner_list",
            title="",
            upload=Upload("名单.exe", b"MZ\x90\x00binary"),
        )
    assert exc.value.code == "meeting.file_type"
    assert snapshot() == before
    attach_all(preparatory, meeting)
    guide(meeting)
    services.meeting_publish(actor=preparatory, meeting_id=meeting.pk)
    owner_list = meeting.documents.get(kind="owner_list")
    assert owner_list.title == "全体业主名单" or owner_list.title == "list of all owners"
    # The last owner list of a publicised first assembly cannot be removed...
    with pytest.raises(Conflict) as exc:
        services.document_remove(actor=preparatory, document_id=owner_list.pk)
    assert exc.value.code == "meeting.document_required"
    # ...but can be replaced, and the removed one stays on record.
    services.document_add(
        actor=preparatory,
        meeting_id=meeting.pk,
        kind="owner_list",
        title="全体业主名单（更正）",
        upload=Upload("名单.pdf", PDF),
    )
    services.document_remove(actor=preparatory, document_id=owner_list.pk)
    owner_list.refresh_from_db()
    assert owner_list.removed_at is not None
    assert [d.title for d in selectors.documents(meeting).filter(kind="owner_list")] == [
        "全体业主名单（更正）"
    ]


def test_a_document_of_a_draft_is_deleted(staff, make_meeting):
    meeting = make_meeting(25)
    document = services.document_add(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        kind="other",
        title="说明",
        upload=Upload("a.pdf", PDF),
    )
    stored, content = services.document_read(
        actor=staff["convener"], meeting_id=meeting.pk, document_id=document.pk
    )
    assert content == PDF and stored.content_type == "application/pdf"
    services.document_remove(actor=staff["convener"], document_id=document.pk)
    assert not meeting.documents.exists()
    with pytest.raises(NotFound):
        services.document_remove(actor=staff["convener"], document_id=document.pk)


# --- the invitation (R-MTG-4) -----------------------------------------------------------------


def test_the_invitation_is_scheduled_three_working_days_before(staff, make_meeting):  # R-MTG-4
    community = staff["community"]
    pii.seal(community, "mobile", "13912345678")
    community.save()
    # A Monday at least 25 days ahead after a plain working week (no holiday, whatever today is):
    # three working days before it is the Wednesday before.
    cal = selectors.calendar()
    ahead = 25 + (7 - day(25).weekday()) % 7
    while not all(cal.is_working_day(day(ahead - k)) for k in range(3, 8)):
        ahead += 7
    assert day(ahead).weekday() == 0
    meeting = make_meeting(ahead, "published")
    wednesday = day(ahead - 5)
    assert meeting.invitation_on == wednesday == selectors.calendar().working_days_before(day(ahead), 3)
    event = f"meeting:{meeting.pk}:invitation:v1"
    messages = outbox(event)
    assert {(m.channel, m.user_id, m.status) for m in messages} == {
        ("inbox", community.pk, "pending"),
        ("sms", community.pk, "pending"),
    }
    assert {m.not_before for m in messages} == {on(wednesday, 9)}
    # Nothing reaches the committee before 09:00 that Wednesday; then it arrives by itself.
    run_worker(at=on(wednesday, 9) - dt.timedelta(minutes=1))
    assert not inbox(community, "meeting.invitation")
    run_worker(at=on(wednesday, 9))
    (note,) = inbox(community, "meeting.invitation")
    assert "碧海花园" in note.title and "碧海花园会所二楼" in note.body
    assert {m.status for m in outbox(event)} == {"sent"}


def test_the_invitation_skips_holidays_of_a_year_the_operator_loaded(staff, make_meeting):  # R-MTG-4, R-MTG-8
    year = unshipped_year()
    held = weekday_on_or_after(dt.date(year, 2, 8), 0)  # a Monday after a Fri-Sun break
    friday, saturday, sunday = (held - dt.timedelta(days=n) for n in (3, 2, 1))
    services.calendar_year_save(
        actor=staff["city"],
        year=year,
        holidays=[dt.date(year, 1, 1), friday, saturday, sunday],
        workdays=[],
        source=f"国务院办公厅关于{year}年部分节假日安排的通知（测试）",
    )
    meeting = make_meeting((held - today()).days, "published")
    # Sun, Sat, Fri are days off: Thu, Wed, Tue.
    tuesday = held - dt.timedelta(days=6)
    assert meeting.invitation_on == tuesday
    (message,) = outbox(f"meeting:{meeting.pk}:invitation:v1")
    assert message.not_before == on(tuesday, 9)


def test_the_invitation_counts_a_make_up_saturday(staff, make_meeting):  # R-MTG-4
    year = unshipped_year()
    held = weekday_on_or_after(dt.date(year, 2, 9), 1)  # Tuesday: Mon, (Sun off), Sat worked, Fri
    saturday = held - dt.timedelta(days=3)
    services.calendar_year_save(
        actor=staff["city"],
        year=year,
        holidays=[dt.date(year, 1, 1)],
        workdays=[saturday],
        source="测试通知",
    )
    meeting = make_meeting((held - today()).days, "published")
    assert meeting.invitation_on == held - dt.timedelta(days=4)


def test_voting_opening_is_queued_for_its_time(staff, make_meeting):
    meeting = make_meeting(25, "published")
    (task,) = DBTaskResult.objects.filter(task_path="ownervote.voting.services.opening.open_voting")
    assert task.run_after == meeting.voting_opens_at
    assert task.args_kwargs["kwargs"] == {
        "meeting_id": meeting.pk,
        "opens_at": meeting.voting_opens_at.isoformat(),
    }
    # Not before its time.
    run_worker(at=meeting.voting_opens_at - dt.timedelta(seconds=1))
    meeting.refresh_from_db()
    assert meeting.status == "published"


def test_cancelling_withdraws_the_invitation_and_tells_the_owners(owner_world, staff, make_meeting):
    meeting = make_meeting(25, "published")
    services.meeting_cancel(actor=staff["convener"], meeting_id=meeting.pk, reason="疫情防控要求暂停聚集")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert {m.status for m in outbox(f"meeting:{meeting.pk}:invitation:v1")} == {"cancelled"}
    (note,) = inbox(owner_world["zhang"], "meeting.cancelled")
    assert "疫情防控要求暂停聚集" in note.body
    assert inbox(staff["street"], "meeting.cancelled")
    # The notice stays public, marked cancelled; the voting never opens.
    assert access.access_public_meeting(meeting.pk).status == "cancelled"
    run_worker(at=meeting.voting_opens_at)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and not meeting.eligibility.exists()


def test_a_calendar_correction_moves_a_pending_invitation(staff, make_meeting):  # R-MTG-4
    """The State Council moves a day off after a meeting was publicised: the operator corrects the
    year, and the invitation still waiting goes out on the day the corrected calendar gives."""
    meeting = make_meeting(25, "published")
    was = meeting.invitation_on
    cal = selectors.calendar()
    table = cal.table(was.year)
    services.calendar_year_save(
        actor=staff["city"],
        year=was.year,
        holidays=sorted(table.holidays | {was}),
        workdays=sorted(table.workdays),
        source="国务院办公厅关于调整部分节假日安排的通知（测试）",
    )
    meeting.refresh_from_db()
    expected = selectors.calendar().working_days_before(selectors.held_on(meeting), 3)
    assert meeting.invitation_on == expected < was
    assert {m.status for m in outbox(f"meeting:{meeting.pk}:invitation:v1")} == {"cancelled"}
    moved = outbox(f"meeting:{meeting.pk}:invitation:v1:{expected.isoformat()}")
    assert {m.status for m in moved} == {"pending"} and {m.not_before for m in moved} == {on(expected, 9)}
    event = AuditEvent.objects.filter(action="calendar.year_saved").last()
    assert event.summary["invitations_moved"] == [meeting.pk]
    # Delivered once, on the new day, and not again on the old one.
    run_worker(at=on(expected, 9))
    assert len(inbox(staff["community"], "meeting.invitation")) == 1
    run_worker(at=on(was, 9))
    assert len(inbox(staff["community"], "meeting.invitation")) == 1


def test_a_fake_or_cut_pdf_is_not_a_meeting_document(preparatory, make_meeting, snapshot):  # R-MTG-5
    """Issue 22 item 10: a 45-byte file that starts with %PDF- was accepted as the voting rules."""
    meeting = make_meeting(25, "submitted", actor=preparatory, kind="first")
    before = snapshot()
    real = HTML(string="<p>电子投票规则</p>").write_pdf()
    for content in (
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # the 45 bytes of the issue
        real[: len(real) // 2],  # a download cut short
        b"%PDF-1.7\n" + b"hello " * 100,  # a header pasted onto text
    ):
        with pytest.raises(InvalidInput) as exc:
            services.document_add(
                actor=preparatory,
                meeting_id=meeting.pk,
                kind="voting_rules",
                title="",
                upload=Upload("规则.pdf", content),
            )
        assert exc.value.code == "meeting.file_not_pdf"
        assert "规则.pdf 不是完整的PDF文件" in str(exc.value.message)
    assert snapshot() == before
    for content in (real, minimal_pdf()):  # a real PDF (WeasyPrint's xref stream; a classic table)
        document = services.document_add(
            actor=preparatory,
            meeting_id=meeting.pk,
            kind="voting_rules",
            title="",
            upload=Upload("规则.pdf", content),
        )
        assert document.file.content_type == "application/pdf"
