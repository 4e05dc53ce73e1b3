"""The street office's pages (R-MTG-2): the meetings entered in its streets with the state of each
guidance window, and the form to record an opinion within 5 days of the entry; the convener
reads it on the meeting's page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.meetings.models import Guidance, Meeting

from .conftest import day

TO_GUIDE = "/console/guidance/"
OPINION = "请在公告中写明纸质选票的领取地点和时间，并邀请社区工作人员到场。"


def guidance_url(meeting) -> str:
    return reverse("meetings:guidance", args=[meeting.pk])


def test_the_street_office_lists_the_meetings_entered_in_its_streets(client, staff, make_meeting):
    entered = make_meeting(state="submitted", title="碧海花园年度会议")
    make_meeting(title="尚未录入的草稿")
    other = make_meeting(state="submitted", estate="c", actor=staff["other_convener"], title="科苑小区会议")
    client.force_login(staff["street"])
    body = client.get(TO_GUIDE).content.decode()
    assert "碧海花园年度会议" in body and "尚未录入的草稿" not in body and "科苑小区会议" not in body
    entered.refresh_from_db()
    left = (entered.guidance_ends_on - day(0)).days
    assert entered.guidance_ends_on.isoformat() in body and f"mt-days-left-{left}" in body
    assert guidance_url(entered) in body
    client.force_login(staff["other_street"])
    body = client.get(TO_GUIDE).content.decode()
    assert "科苑小区会议" in body and guidance_url(other) in body and "碧海花园年度会议" not in body
    client.force_login(staff["convener"])  # a convener has no streets: nothing to guide
    assert "碧海花园年度会议" not in client.get(TO_GUIDE).content.decode()


def test_the_street_office_records_an_opinion_and_the_convener_sees_it(client, staff, make_meeting):
    # R-MTG-2
    m = make_meeting(state="submitted")
    client.force_login(staff["street"])
    body = client.get(guidance_url(m)).content.decode()
    assert 'id="record-guidance"' in body and "选举第二届业主委员会委员" in body
    response = client.post(guidance_url(m), {"text": OPINION})
    assert response.status_code == 302
    g = Guidance.objects.get()
    assert (g.meeting, g.text, g.version, g.author) == (m, OPINION, 1, staff["street"])
    client.force_login(staff["convener"])
    body = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert OPINION in body and g.author_real_name in body
    assert 'id="give-guidance"' not in body


def test_an_empty_opinion_is_shown_in_place(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    client.force_login(staff["street"])
    response = client.post(guidance_url(m), {"text": ""})
    assert response.status_code == 422 and 'id="id_text_error"' in response.content.decode()
    assert not Guidance.objects.exists()


def test_after_the_window_the_form_is_gone_and_a_post_is_refused(client, staff, make_meeting):
    # R-MTG-2: 5 days from the entry, no more
    m = make_meeting(state="submitted")
    Meeting.objects.filter(pk=m.pk).update(guidance_ends_on=day(-1), entered_on=day(-7))
    client.force_login(staff["street"])
    body = client.get(guidance_url(m)).content.decode()
    assert 'id="record-guidance"' not in body and day(-1).isoformat() in body
    response = client.post(guidance_url(m), {"text": OPINION})
    assert response.status_code == 409
    assert (
        _("The guidance window ended on %(date)s (5 days after the entry, art. 12).")
        % {"date": day(-1).isoformat()}
        in response.content.decode()
    )
    assert not Guidance.objects.exists()
    assert "mt-days-left" not in client.get(TO_GUIDE).content.decode()


def test_only_the_estates_street_office_gives_guidance(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    for who, status in (("convener", 403), ("community", 403), ("district", 403), ("other_street", 404)):
        client.force_login(staff[who])
        assert client.get(guidance_url(m)).status_code == status, who
        assert client.post(guidance_url(m), {"text": OPINION}).status_code == status, who
    draft = make_meeting()
    client.force_login(staff["street"])
    assert client.get(guidance_url(draft)).status_code == 404  # not entered: not shown
    assert not Guidance.objects.exists()


def test_guidance_window_days_left_is_counted_from_today(client, staff, make_meeting):
    m = make_meeting(state="submitted")
    Meeting.objects.filter(pk=m.pk).update(guidance_ends_on=day(0) + dt.timedelta(days=1))
    client.force_login(staff["street"])
    assert "mt-days-left-1" in client.get(TO_GUIDE).content.decode()
