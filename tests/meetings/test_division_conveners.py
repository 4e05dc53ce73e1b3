"""R-ORG-3: where a street office convenes an estate (art. 33), its district bureau takes the street
office's supervisory steps for that meeting (guidance, extensions, the paper count's invitation):
nobody supervises their own work. R-ORG-4: a community committee convening (art. 34) is supervised
by the street office, as any convener. Services, queues and pages, both directions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ownervote.core.errors import Forbidden, NotFound
from ownervote.meetings import audiences, selectors, services
from ownervote.meetings.models import Guidance, Meeting
from ownervote.orgs import scoping
from ownervote.orgs import services as org_services
from ownervote.orgs.models import Association, Organisation
from ownervote.roster.models import Estate
from ownervote.voting import permissions as voting_permissions
from ownervote.voting.models import CountSession, Extension
from ownervote.voting.services import extensions

from .conftest import inbox

OPINION = "请在公告中写明街道办事处代为召集的依据。"


def convene(user, estate, approver):
    """``user``'s street office or community committee applies to convene ``estate``; approved."""
    org = Organisation.objects.get(memberships__user=user)
    assoc = org_services.apply_association(actor=user, organisation=org, estate=estate)
    org_services.decide_association(actor=approver, association_id=assoc.pk, decision="approved")
    scoping.forget(user)
    return assoc


@pytest.fixture
def street_meeting(staff, geo, estates, make_meeting):
    """Estate b convened by the Shatou street office (approved by Futian), a meeting entered (its
    community completed first: the totals are confirmed only then, R-ROSTER-1)."""
    estates["b"].community = geo["shazui"]
    estates["b"].save(update_fields=["community"])
    convene(staff["street"], estates["b"], staff["district"])
    return make_meeting(state="submitted", actor=staff["street"], estate="b", title="金地花园业主大会会议")


@pytest.fixture
def community_meeting(staff, geo, estates, make_meeting):
    estates["d"] = Estate.objects.create(name="沙嘴新村", street=geo["shatou"], community=geo["shazui"])
    convene(staff["community"], estates["d"], staff["street"])
    return make_meeting(state="submitted", actor=staff["community"], estate="d", title="沙嘴新村业主大会会议")


def test_r_org_3_the_district_guides_a_street_office_meeting_not_the_street(staff, street_meeting):
    with pytest.raises((Forbidden, NotFound)):
        services.guidance_give(actor=staff["street"], meeting_id=street_meeting.pk, text=OPINION)
    services.guidance_give(actor=staff["district"], meeting_id=street_meeting.pk, text=OPINION)
    g = Guidance.objects.get()
    assert (g.author, g.organisation.kind) == (staff["district"], "district_bureau")
    assert [u.pk for u in audiences.supervisor_users(street_meeting)] == [staff["district"].pk]


def test_r_org_3_the_district_is_told_of_the_entry_and_the_street_is_not(staff, street_meeting):
    assert inbox(staff["district"], "meeting.entered")
    assert not inbox(staff["street"], "meeting.entered")


def test_r_org_3_the_guidance_queues_move_up(staff, street_meeting, make_meeting):
    own = make_meeting(state="submitted", title="碧海花园年度会议")  # estate a: owners' committee
    assert list(selectors.to_guide(staff["street"])) == [own]
    assert list(selectors.to_guide(staff["district"])) == [street_meeting]
    for who in ("city", "other_street", "community", "convener"):
        assert not selectors.to_guide(staff[who]).exists(), who


def test_r_org_4_the_street_office_guides_a_community_committee_meeting(staff, community_meeting):
    assert list(selectors.to_guide(staff["street"])) == [community_meeting]
    assert not selectors.to_guide(staff["district"]).exists()
    services.guidance_give(actor=staff["street"], meeting_id=community_meeting.pk, text=OPINION)
    with pytest.raises((Forbidden, NotFound)):
        services.guidance_give(actor=staff["district"], meeting_id=community_meeting.pk, text=OPINION)
    assert inbox(staff["street"], "meeting.entered")


def test_r_org_3_guidance_pages_both_directions(client, staff, street_meeting):
    url = reverse("meetings:guidance", args=[street_meeting.pk])
    client.force_login(staff["street"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": OPINION}).status_code == 403
    assert "金地花园业主大会会议" not in client.get(reverse("meetings:to_guide")).content.decode()
    client.force_login(staff["district"])
    assert client.get(url).status_code == 200
    assert "金地花园业主大会会议" in client.get(reverse("meetings:to_guide")).content.decode()
    assert 'id="to-guide"' in client.get(reverse("meetings:index")).content.decode()
    assert client.post(url, {"text": OPINION}).status_code == 302
    assert Guidance.objects.get().author == staff["district"]


def test_r_org_3_the_district_decides_a_street_office_meetings_extension(
    client, staff, geo, estates, make_meeting
):
    Estate.objects.filter(pk=estates["b"].pk).update(community=geo["shazui"])  # publicity invites it
    convene(staff["street"], estates["b"], staff["district"])
    meeting = make_meeting(state="published", actor=staff["street"], estate="b")
    ext = extensions.extension_request(
        actor=staff["street"],
        meeting_id=meeting.pk,
        reason="technical",
        explanation="短信平台故障。",
        closes_at=meeting.voting_closes_at + dt.timedelta(days=2),
    )
    assert inbox(staff["district"], "voting.extension_requested")
    assert not extensions.pending_for(staff["street"]).exists()
    assert list(extensions.pending_for(staff["district"])) == [ext]
    assert voting_permissions.can_decide_extensions(staff["district"])
    assert not voting_permissions.can_decide_extension(staff["street"], meeting)
    assert voting_permissions.can_decide_extension(staff["district"], meeting)
    client.force_login(staff["street"])
    decide = reverse("voting:extension_decide", args=[ext.pk])
    assert client.post(decide, {"decision": "approve", "note": ""}).status_code in (403, 404)
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.REQUESTED
    client.force_login(staff["district"])
    page = client.get(reverse("voting:extensions"))
    assert page.status_code == 200 and meeting.title in page.content.decode()
    assert client.post(decide, {"decision": "approve", "note": ""}).status_code == 302
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.APPROVED


def test_r_org_3_a_street_office_meeting_is_still_the_estate_of_its_street(staff, street_meeting):
    """The street office keeps supervising the other conveners of its street; the district sees
    only the meetings a street office convenes (supervised_q)."""
    assoc = Association.objects.get(estate=street_meeting.estate, organisation__kind="street_office")
    assert scoping.supervisor_of(street_meeting.estate) == (
        "district_bureau",
        street_meeting.estate.street.parent_id,
    )
    assert scoping.supervisor_of(street_meeting.estate, "owners_committee")[0] == "street_office"
    assert assoc.status == "approved"


# --- every record says that the street office (community committee) convened ------------------

STREET_CAPACITY = "街道办事处依照《深圳经济特区物业管理条例》第二十八条代行召集人职责"
COMMUNITY_CAPACITY = (
    "社区居民委员会依照《深圳经济特区物业管理条例》第一百二十四条代行业主大会和业主委员会职责"
)


def test_r_org_3_the_meeting_pages_and_notice_say_the_street_office_convened(
    client, staff, geo, estates, make_meeting, tmp_path
):
    import re

    from .test_pages_support import pdf_text

    Estate.objects.filter(pk=estates["b"].pk).update(community=geo["shazui"])
    convene(staff["street"], estates["b"], staff["district"])
    m = make_meeting(state="published", actor=staff["street"], estate="b")
    client.force_login(staff["street"])
    detail = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert STREET_CAPACITY in detail and "第三十三条" in detail
    assert "区住房和建设部门指导意见" in detail and "区住房和建设部门可在" in detail
    client.logout()
    public = client.get(reverse("meetings:notice", args=[m.pk])).content.decode()
    assert STREET_CAPACITY in public
    pdf = b"".join(client.get(reverse("meetings:notice_pdf", args=[m.pk])))
    assert STREET_CAPACITY in re.sub(r"\s+", "", pdf_text(pdf, tmp_path))
    client.force_login(staff["district"])
    assert STREET_CAPACITY in client.get(reverse("meetings:to_guide")).content.decode()


def test_r_org_4_the_meeting_page_says_the_community_committee_convened(client, staff, community_meeting):
    client.force_login(staff["street"])
    detail = client.get(reverse("meetings:detail", args=[community_meeting.pk])).content.decode()
    assert COMMUNITY_CAPACITY in detail and "第三十四条" in detail
    assert "街道办事处可在" in detail and 'id="district-guides"' not in detail


def test_an_owners_committee_is_named_plainly(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    client.force_login(staff["convener"])
    detail = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert m.convener.name in detail and "代行" not in detail and 'id="district-guides"' not in detail


def test_r_org_3_entering_says_the_district_was_told(client, staff, geo, estates, make_meeting):
    estates["b"].community = geo["shazui"]  # the totals are confirmed with the community (R-ROSTER-1)
    estates["b"].save(update_fields=["community"])
    convene(staff["street"], estates["b"], staff["district"])
    m = make_meeting(actor=staff["street"], estate="b")
    client.force_login(staff["street"])
    page = client.post(reverse("meetings:submit", args=[m.pk]), follow=True).content.decode()
    assert "街道办事处召集的会议由区住房和建设部门指导" in page


def test_r_org_3_the_timeline_and_the_voting_pages_name_the_district(
    client, staff, geo, estates, make_meeting
):
    """Where the street office convenes, every page that would send the convener to "the street
    office" names the district bureau that supervises the meeting: the timeline's guidance row,
    the extension request's button and the paper count's invitation (R-ORG-3)."""
    from django.utils import translation

    from ownervote.meetings import explain

    Estate.objects.filter(pk=estates["b"].pk).update(community=geo["shazui"])
    convene(staff["street"], estates["b"], staff["district"])
    m = make_meeting(state="published", actor=staff["street"], estate="b")
    with translation.override("zh-hans"):
        row = next(r for r in explain.meeting_timeline(m).rows if r.code == "guidance_until")
    assert row.label == "区住房和建设部门指导意见"
    assert row.explanation.count("区住房和建设部门可在") == 1 and "街道办事处" not in row.explanation
    client.force_login(staff["street"])
    form = client.get(reverse("voting:extension_request", args=[m.pk])).content.decode()
    assert "提交区住房和建设部门" in form and "提交街道办事处" not in form
    count = client.get(reverse("voting:count", args=[m.pk])).content.decode()
    assert "邀请的区住房和建设部门工作人员" in count and staff["district"].display_name() in count
    assert staff["street"].display_name() not in count.split('id="open-form"')[1].split("</fieldset>")[0]
    from tests.voting.paper_fixtures import close_now

    Meeting.objects.filter(pk=m.pk).update(status=Meeting.Status.CLOSED)
    close_now(m)
    refused = client.post(
        reverse("voting:count", args=[m.pk]),
        {"caller": "甲", "counter": "乙", "scrutineer": "丙", "invited": [staff["street"].pk]},
    ).content.decode()
    assert "只能邀请指导本次会议的区住房和建设部门的工作人员" in refused
    assert not CountSession.objects.filter(meeting=m).exists()


def test_r_org_4_a_community_committees_pages_still_name_the_street_office(client, staff, community_meeting):
    from django.utils import translation

    from ownervote.meetings import explain

    with translation.override("zh-hans"):
        row = next(r for r in explain.meeting_timeline(community_meeting).rows if r.code == "guidance_until")
    assert row.label == "街道办事处指导意见"
    client.force_login(staff["community"])
    form = client.get(reverse("voting:extension_request", args=[community_meeting.pk])).content.decode()
    assert "提交街道办事处" in form


def test_r_org_3_the_estate_pages_name_the_convener_and_its_capacity(client, staff, geo, estates):
    """Every estate page of the console (roster, totals, meetings…) says who convenes the estate:
    the street office with the article it convenes under; an estate nobody convenes says so."""
    empty = Estate.objects.create(name="沙嘴福苑", street=geo["shatou"], community=geo["shazui"])
    client.force_login(staff["street"])
    before = client.get(reverse("roster:estate_detail", args=[estates["b"].pk])).content.decode()
    assert STREET_CAPACITY not in before
    convene(staff["street"], estates["b"], staff["district"])
    for name in ("roster:estate_detail", "roster:totals", "meetings:estate_meetings"):
        page = client.get(reverse(name, args=[estates["b"].pk])).content.decode()
        assert 'id="estate-conveners"' in page and STREET_CAPACITY in page, name
    nobody = client.get(reverse("roster:estate_detail", args=[empty.pk])).content.decode()
    assert "尚无（可由街道办事处" in nobody.split('id="estate-conveners"')[1].split("</p>")[0]
