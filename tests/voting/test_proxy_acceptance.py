"""The proxy accepts the written proxy before voting, and a revocation is told to the convener
and the proxy (R-VOTE-6, R-VOTE-7; art. 20).

voting_world: zhang (1栋-101) gives a proxy to 钱七 (PROXY: mobile(60), person_id(60)), who has an
account signed in with that mobile and is verified with that ID number."""

from __future__ import annotations

import pytest
from django.test import Client

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, NotFound
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.voting.errors import Code
from ownervote.voting.models import Ballot, Proxy, Submission
from ownervote.voting.services import cast, proxies
from ownervote.voting.services.proxy_acceptance import proxy_confirm
from tests.owners import verified_person
from tests.rosterfiles import mobile, person_id

from .proxy_fixtures import PROXY, PROXY2, grant, granting  # noqa: F401

pytestmark = pytest.mark.django_db
R = "/api/voting"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _holder():
    return verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])


def _vote(w, actor, proxy=None):
    return cast.ballot_cast(
        actor=actor,
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flats"]["1栋-101"].pk],
        answers={str(w["question"].pk): "yes"},
        proxy_id=proxy.pk if proxy else None,
    )


def _state() -> tuple:
    return (
        tuple(Proxy.objects.values_list("pk", "status", "confirmed_at", "confirmed_by")),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
        Submission.objects.count(),
    )


def test_r_vote_6_an_unaccepted_proxy_cannot_vote_and_the_owner_still_can(voting_world):
    w = voting_world
    holder = _holder()
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    assert p.confirmed_at is None
    (entry,) = cast.voter_flats(holder, w["meeting"])
    assert (entry.can_vote, entry.code, entry.via) == (False, Code.PROXY_UNCONFIRMED, "proxy")
    before = _state()
    with pytest.raises(Forbidden) as exc:
        _vote(w, holder, proxy=p)
    assert exc.value.code == Code.PROXY_UNCONFIRMED and "尚未确认接受" in str(exc.value.message)
    assert _state() == before
    # the owner votes in person meanwhile; the proxy then finds the flat voted
    (mine,) = cast.voter_flats(w["zhang"], w["meeting"])
    assert mine.can_vote and mine.via == "owner"
    _vote(w, w["zhang"])
    proxy_confirm(actor=holder, proxy_id=p.pk)
    assert cast.voter_flats(holder, w["meeting"])[0].code == Code.ALREADY_VOTED


def test_r_vote_6_the_proxy_accepts_the_owner_and_convener_are_told_then_the_proxy_votes(voting_world):
    w = voting_world
    holder = _holder()
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    accepted = proxy_confirm(actor=holder, proxy_id=p.pk)
    p.refresh_from_db()
    assert p.confirmed_at is not None and p.confirmed_by == holder == accepted.confirmed_by
    assert p.holder.user == holder
    event = AuditEvent.objects.get(action="proxy.confirmed", object_id=str(p.pk))
    assert event.summary == {"meeting": w["meeting"].pk, "owner": p.owner_id, "holder": p.holder_id}
    told = Notification.objects.get(user=w["zhang"], kind="proxy.confirmed")
    assert "钱*" in told.body and "1栋-101" in told.body
    assert (
        OutboxMessage.objects.filter(user=w["zhang"], kind="proxy.confirmed")
        .exclude(channel="inbox")
        .exists()
    )
    assert Notification.objects.filter(user=w["convener"], kind="proxy.confirmed").exists()
    # accepted: the owner is refused in person (revoke first), the proxy votes
    assert cast.voter_flats(w["zhang"], w["meeting"])[0].code == Code.PROXY_GRANTED
    sub = _vote(w, holder, proxy=p)
    assert Ballot.objects.get(submission=sub).proxy == p


def test_r_vote_6_only_the_holder_on_the_named_mobile_accepts(voting_world):
    w = voting_world
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    before = _state()
    for who, error, code in (
        (w["zhang"], Forbidden, Code.PROXY_FORBIDDEN),  # the grantor sees it
        (w["convener"], Forbidden, Code.PROXY_FORBIDDEN),  # the convener sees it
        (w["li"], NotFound, Code.PROXY_NOT_FOUND),
    ):
        with pytest.raises(error) as exc:
            proxy_confirm(actor=who, proxy_id=p.pk)
        assert exc.value.code == code
    # verified with the proxy's ID number but signed in with another mobile
    other_phone = verified_person(mobile(70), PROXY["name"], PROXY["id_number"])
    with pytest.raises(Forbidden) as exc:
        proxy_confirm(actor=other_phone, proxy_id=p.pk)
    assert exc.value.code == Code.PROXY_WRONG_MOBILE and p.mobile_masked in str(exc.value.message)
    assert _state() == before


def test_r_vote_6_accepting_twice_or_a_revoked_proxy_is_refused(voting_world):
    w = voting_world
    holder = _holder()
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    proxy_confirm(actor=holder, proxy_id=p.pk)
    before = _state()
    with pytest.raises(Conflict) as exc:
        proxy_confirm(actor=holder, proxy_id=p.pk)
    assert exc.value.code == Code.PROXY_CONFIRMED and _state() == before
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)  # an accepted proxy is revoked as before
    q = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]], person=PROXY2)
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=q.pk)
    second = verified_person(PROXY2["mobile"], PROXY2["name"], PROXY2["id_number"])
    before = _state()
    with pytest.raises(Conflict) as exc:
        proxy_confirm(actor=second, proxy_id=q.pk)
    assert exc.value.code == Code.PROXY_REVOKED and _state() == before


def test_r_vote_7_revoking_tells_the_convener_and_the_proxy(voting_world):
    w = voting_world
    holder = _holder()
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    proxy_confirm(actor=holder, proxy_id=p.pk)
    proxies.proxy_revoke(actor=w["zhang"], proxy_id=p.pk)
    to_convener = Notification.objects.get(user=w["convener"], kind="proxy.revoked")
    assert "1栋-101" in to_convener.body and "钱*" in to_convener.body and "撤销" in to_convener.body
    assert Notification.objects.filter(user=holder, kind="proxy.revoked").exists()
    assert OutboxMessage.objects.filter(user=holder, kind="proxy.revoked").exclude(channel="inbox").exists()
    event = AuditEvent.objects.get(action="proxy.revoked", object_id=str(p.pk))
    assert event.summary["accepted"] is True


def test_r_vote_6_unaccepted_proxies_count_towards_three_owners(granting):  # noqa: F811
    """A proxy not yet accepted holds its place: the limit is checked when the proxy is given."""
    w = granting
    given = [grant(user, w["meeting"], [flat]) for user, flat in w["owners"][:3]]
    assert all(p.confirmed_at is None for p in given)
    user, flat = w["owners"][3]
    with pytest.raises(Conflict) as exc:
        grant(user, w["meeting"], [flat])
    assert exc.value.code == Code.PROXY_TOO_MANY


def test_r_vote_6_api_accept_and_the_cast_before_it(voting_world):
    w = voting_world
    holder = _client(_holder())
    zhang = _client(w["zhang"])
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    got = zhang.get(f"{R}/proxies/{p.pk}").json()
    assert got["accepted"] is False and got["accepted_at"] is None
    answers = {str(w["question"].pk): "yes"}
    body = {"flat_ids": [w["flats"]["1栋-101"].pk], "answers": answers, "proxy_id": p.pk}
    r = holder.post(f"{R}/meetings/{w['meeting'].pk}/ballots", body, content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == Code.PROXY_UNCONFIRMED
    assert "尚未确认接受" in r.json()["error"]["message"]
    r = zhang.post(f"{R}/proxies/{p.pk}/confirm")
    assert r.status_code == 403 and r.json()["error"]["code"] == Code.PROXY_FORBIDDEN
    r = holder.post(f"{R}/proxies/{p.pk}/confirm")
    assert r.status_code == 200 and r.json()["accepted"] is True and r.json()["role"] == "holder"
    r = holder.post(f"{R}/proxies/{p.pk}/confirm")
    assert r.status_code == 409 and r.json()["error"]["code"] == Code.PROXY_CONFIRMED
    assert zhang.get(f"{R}/meetings/{w['meeting'].pk}/proxies").json()["granted"][0]["accepted"] is True
    r = holder.post(f"{R}/meetings/{w['meeting'].pk}/ballots", body, content_type="application/json")
    assert r.status_code == 201, r.content


def test_r_vote_6_pages_owner_sees_whether_the_proxy_accepted(voting_world):
    w = voting_world
    person = _holder()
    holder, zhang = _client(person), _client(w["zhang"])
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    page = zhang.get(f"/m/proxies/{p.pk}/").content.decode()
    assert "受托人尚未确认接受" in page and 'id="accept"' not in page
    mine = zhang.get(f"/m/meetings/{w['meeting'].pk}/proxies/").content.decode()
    assert "受托人尚未确认接受" in mine
    # the vote page tells the proxy why not yet, in Chinese
    vote = holder.get(f"/m/meetings/{w['meeting'].pk}/vote/").content.decode()
    assert Code.PROXY_UNCONFIRMED in vote and "尚未确认接受" in vote
    detail = holder.get(f"/m/proxies/{p.pk}/").content.decode()
    assert 'id="accept"' in detail and "确认接受委托" in detail
    # a proxy signed in with another mobile is told which mobile to use
    other = _client(verified_person(mobile(71), PROXY["name"], person_id(60)))
    assert "请用委托书中写明的手机号" in other.get(f"/m/proxies/{p.pk}/").content.decode()
    # the grantor cannot accept for the proxy: 403, nothing changes
    assert zhang.post(f"/m/proxies/{p.pk}/confirm/").status_code == 403
    r = holder.post(f"/m/proxies/{p.pk}/confirm/")
    assert r.status_code == 302 and r["Location"] == f"/m/meetings/{w['meeting'].pk}/proxies/held/"
    page = zhang.get(f"/m/proxies/{p.pk}/").content.decode()
    assert "已于" in page and "确认接受" in page and "受托人尚未确认接受" not in page
    console = _client(w["convener"]).get(f"/console/meetings/{w['meeting'].pk}/proxies/").content.decode()
    assert "受托人已确认接受" in console
    # accepted twice from the page: back to where the proxy posted from, with the message
    again = holder.post(f"/m/proxies/{p.pk}/confirm/", HTTP_REFERER=f"/m/proxies/{p.pk}/", follow=True)
    assert "您已确认接受这份委托" in again.content.decode()
