"""The public list of the proxies in force (R-TRUST-3): while voting is open the estate's owners see
every written proxy in force (flat, proxy, matters), names masked to the surname, nothing else; the
convener sees it too; other staff are refused, owners of other estates do not see the meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.core.errors import Conflict, Forbidden, NotFound
from ownervote.voting.errors import Code
from ownervote.voting.services import proxies
from ownervote.voting.services.proxy_list import proxy_list, surname
from tests.owners import verified_person
from tests.rosterfiles import mobile, person_id

from .proxy_fixtures import PROXY, PROXY2, grant, granting  # noqa: F401

pytestmark = pytest.mark.django_db


def api(user, meeting_id: int):
    client = Client()
    client.force_login(user)
    return client.get(f"/api/voting/meetings/{meeting_id}/proxy-list")


def test_surname_masks_to_the_first_character():  # R-TRUST-3
    assert surname("张*三") == "张*"
    assert surname("钱*") == "钱*"
    assert surname("欧**锋") == "欧*"
    assert surname("") == ""


def test_owners_see_proxies_masked_holders_numbered(granting):  # noqa: F811 - R-TRUST-3
    """Two owners name the same person, a third another: the list shows each flat with the proxy's
    surname, the matters and the term, and the same number for the same holder with how many owners
    they hold, so that concentration shows without a name."""
    w = granting
    meeting, flats = w["meeting"], w["flats"]
    grant(w["zhang"], meeting, [flats["1栋-101"]])
    grant(w["li"], meeting, [flats["1栋-102"]])
    grant(w["zhao"], meeting, [flats["1栋-201"]], person=PROXY2, matters="第1项、第2项")

    listed = proxy_list(w["li"], meeting.pk)
    assert [p.flats for p in listed.proxies] == [["1栋-101"], ["1栋-102"], ["1栋-201"]]
    assert [p.owner for p in listed.proxies] == ["张*", "李*", "赵*"]
    assert [p.holder for p in listed.proxies] == ["钱*", "钱*", "孙*"]
    assert [p.holder_number for p in listed.proxies] == [1, 1, 2]
    assert [p.holder_owners for p in listed.proxies] == [2, 2, 1]
    assert listed.proxies[2].matters == "第1项、第2项"
    assert listed.holders == 2
    assert not any(p.accepted for p in listed.proxies)


def test_the_api_shows_no_name_mobile_or_id_number(granting):  # noqa: F811 - R-TRUST-3 R-SEC-1
    w = granting
    meeting = w["meeting"]
    grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    response = api(w["li"], meeting.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["meeting_id"] == meeting.pk and body["holders"] == 1
    (row,) = body["proxies"]
    assert row["flats"] == ["1栋-101"] and row["owner_masked"] == "张*" and row["holder_masked"] == "钱*"
    text = response.content.decode()
    for secret in ("张三", "钱七", PROXY["mobile"], PROXY["id_number"], PROXY["id_number"][-4:], mobile(1)):
        assert secret not in text
    assert "voted" not in body["proxies"][0]  # R-VOTE-2: whether a flat voted is the convener's


def test_a_revoked_proxy_leaves_the_list(granting):  # noqa: F811 - R-TRUST-3 R-VOTE-7
    w = granting
    meeting = w["meeting"]
    p = grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    grant(w["li"], meeting, [w["flats"]["1栋-102"]])
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    listed = proxy_list(w["zhang"], meeting.pk)
    assert [p.flats for p in listed.proxies] == [["1栋-102"]]


def test_the_convener_sees_it_other_staff_are_refused(granting, staff):  # noqa: F811 - R-TRUST-3
    w = granting
    meeting = w["meeting"]
    grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    assert len(proxy_list(staff["convener"], meeting.pk).proxies) == 1
    for role in ("street", "city", "district", "community"):
        with pytest.raises(Forbidden) as refused:
            proxy_list(staff[role], meeting.pk)
        assert refused.value.code == Code.PROXY_LIST_FORBIDDEN
        assert api(staff[role], meeting.pk).json()["error"]["code"] == Code.PROXY_LIST_FORBIDDEN


def test_people_who_do_not_see_the_meeting_get_404(granting, staff):  # noqa: F811 - R-TRUST-3
    """The other estate's convener, an unverified account, an unbound co-owner and a proxy who owns
    nothing in the estate: the meeting does not exist for them here."""
    w = granting
    meeting = w["meeting"]
    grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    holder = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    outsider = verified_person(mobile(70), "周九", person_id(70))
    for user in (staff["other_convener"], w["newcomer"], holder, outsider):
        with pytest.raises(NotFound):
            proxy_list(user, meeting.pk)
        assert api(user, meeting.pk).status_code == 404
    with pytest.raises(NotFound):
        proxy_list(w["zhang"], 999999)


def test_outside_the_voting_the_list_is_refused(granting, staff):  # noqa: F811 - R-TRUST-3
    w = granting
    meeting = w["meeting"]
    grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    before = meeting.voting_opens_at - dt.timedelta(seconds=1)
    at_close = meeting.voting_closes_at
    for now in (before, at_close, at_close + dt.timedelta(days=3)):
        with pytest.raises(Conflict) as refused:
            proxy_list(w["zhang"], meeting.pk, now=now)
        assert refused.value.code == Code.PROXY_LIST_NOT_OPEN
    # the convener's own list of every proxy is not limited so
    assert len(proxies.meeting_proxies(staff["convener"], meeting.pk)[1]) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seconds=st.integers(min_value=-3 * 86400, max_value=3 * 86400))
def test_the_list_is_shown_exactly_while_voting_is_open(granting, seconds):  # noqa: F811 - R-TRUST-3
    """At any moment around the voting period: shown iff opens_at <= now < closes_at."""
    w = granting
    meeting = w["meeting"]
    for start in (meeting.voting_opens_at, meeting.voting_closes_at):
        now = start + dt.timedelta(seconds=seconds)
        if meeting.voting_opens_at <= now < meeting.voting_closes_at:
            assert proxy_list(w["zhang"], meeting.pk, now=now).meeting == meeting
        else:
            with pytest.raises(Conflict):
                proxy_list(w["zhang"], meeting.pk, now=now)


def test_a_publicised_meeting_not_yet_voting_answers_409(voting_world, make_voting_meeting):  # R-TRUST-3
    from ownervote.meetings.models import Meeting

    w = voting_world
    Meeting.objects.filter(pk=w["meeting"].pk).update(status=Meeting.Status.PUBLISHED)
    response = api(w["zhang"], w["meeting"].pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == Code.PROXY_LIST_NOT_OPEN


def test_owner_page_lists_proxies_vote_page_links_it(granting):  # noqa: F811 - R-TRUST-3 R-SEC-8
    w = granting
    meeting = w["meeting"]
    grant(w["zhang"], meeting, [w["flats"]["1栋-101"]])
    grant(w["li"], meeting, [w["flats"]["1栋-102"]])
    client = Client()
    client.force_login(w["zhao"])
    vote = client.get(reverse("voting:vote", args=[meeting.pk]))
    url = reverse("voting:proxy_list", args=[meeting.pk])
    assert url in vote.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1栋-101" in html and "1栋-102" in html and "钱*" in html and "张*" in html
    assert "张三" not in html and "钱七" not in html and PROXY["mobile"] not in html
    assert 'data-holder="1"' in html and html.count("ov-listed-proxy") == 2


def test_the_owner_page_outside_the_voting_says_when(granting):  # noqa: F811 - R-TRUST-3
    from ownervote.meetings.models import Meeting

    w = granting
    meeting = w["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    client = Client()
    client.force_login(w["zhang"])
    page = client.get(reverse("voting:proxy_list", args=[meeting.pk]))
    assert page.status_code == 409
    assert 'id="proxy-list-closed"' in page.content.decode()
    client.force_login(w["newcomer"])
    assert client.get(reverse("voting:proxy_list", args=[meeting.pk])).status_code == 404
