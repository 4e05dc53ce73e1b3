"""R-MTG-4 (art. 12): the community committee's invitation. When the committee has no account on
the platform it reaches nobody: the convener and the supervising office (the street office; the
district bureau where the street office convenes, R-ORG-3) are told, and the meeting's timeline
shows it."""

from __future__ import annotations

from django.urls import reverse

from ownervote.meetings import explain, services
from ownervote.meetings.models import Meeting
from ownervote.orgs.models import Association
from ownervote.rules import schedule

from .conftest import actions, guide, inbox


def _no_committee_account(staff) -> None:
    Association.objects.filter(organisation__memberships__user=staff["community"]).update(
        status=Association.Status.PENDING
    )


def test_r_mtg_4_an_invitation_to_nobody_is_told_and_shown(client, staff, estates, make_meeting):
    _no_committee_account(staff)
    meeting = make_meeting(25, "submitted")
    guide(meeting)
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.invitation_recipients == 0
    assert "meeting.invitation_unreachable" in actions(estates["a"])
    for who in ("convener", "street"):
        (note,) = inbox(staff[who], "meeting.invitation_unreachable")
        assert "沙嘴社区" in note.body and meeting.title in note.body
    assert not inbox(staff["district"], "meeting.invitation_unreachable")
    # The timeline's invitation row says so, on the page and through the API.
    row = next(r for r in explain.meeting_timeline(meeting).rows if r.code == schedule.INVITATION_ON)
    assert "无人接收" in row.warning
    client.force_login(staff["convener"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="warning-invitation_on"' in body
    api = client.get(f"/api/meetings/{meeting.pk}/timeline").json()
    (inv,) = [d for d in api["deadlines"] if d["code"] == "invitation_on"]
    assert "无人接收" in inv["warning"]
    assert client.get(f"/api/meetings/{meeting.pk}").json()["invitation_recipients"] == 0


def test_r_mtg_4_an_invitation_that_reaches_the_committee_warns_nobody(staff, make_meeting):
    meeting = make_meeting(25, "published")
    assert meeting.invitation_recipients == 1
    assert not inbox(staff["convener"], "meeting.invitation_unreachable")
    row = next(r for r in explain.meeting_timeline(meeting).rows if r.code == schedule.INVITATION_ON)
    assert row.warning == ""


def test_r_mtg_4_r_org_3_a_street_office_meeting_tells_the_district(staff, geo, estates, make_meeting):
    from .test_division_conveners import convene

    estates["b"].community = geo["shazui"]
    estates["b"].save(update_fields=["community"])
    _no_committee_account(staff)
    convene(staff["street"], estates["b"], staff["district"])
    meeting = make_meeting(25, "published", actor=staff["street"], estate="b")
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.invitation_recipients == 0
    assert inbox(staff["district"], "meeting.invitation_unreachable")
    assert inbox(staff["street"], "meeting.invitation_unreachable")  # as the convener
