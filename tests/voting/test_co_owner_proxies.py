"""A co-owner's proxy acts for that co-owner only (R-VOTE-8, art. 21; R-VOTE-6): without a chosen
representative it never takes the flat's vote from the other co-owners; any of them, or the proxy,
may cast the flat's ballot and the first completed one counts. With a representative, only the
representative (or the representative's proxy) votes.

cast_world: li and wang are both bound to 1栋-102 (two roster owners of one flat)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.core.errors import Conflict, Forbidden
from ownervote.notify.models import Notification
from ownervote.voting.errors import Code
from ownervote.voting.models import Ballot, Proxy
from ownervote.voting.services import cast, proxies, proxy_acceptance
from ownervote.voting.services import representatives as reps
from tests.owners import verified_person
from tests.rosterfiles import mobile, person_id

from .proxy_fixtures import PROXY, grant

pytestmark = pytest.mark.django_db
R = "/api/voting"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _holder():
    return verified_person(mobile(60), PROXY["name"], person_id(60))


def _accepted(proxy: Proxy, holder) -> Proxy:
    """The proxy accepts (art. 20: an unconfirmed proxy cannot vote)."""
    return proxy_acceptance.proxy_confirm(actor=holder, proxy_id=proxy.pk)


def _cast(w, actor, proxy=None, answers=None):
    return cast.ballot_cast(
        actor=actor,
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flat"]["1栋-102"]],
        answers=w["answers"] if answers is None else answers,
        proxy_id=proxy.pk if proxy else None,
    )


def _entry(w, user):
    (entry,) = [e for e in cast.voter_flats(user, w["meeting"]) if e.label == "1栋-102"]
    return entry


def test_r_vote_8_a_co_owners_proxy_leaves_the_other_co_owner_free_to_vote(cast_world):
    w = cast_world
    holder = _holder()
    proxy = _accepted(grant(w["li"], w["meeting"], [w["flats"]["1栋-102"]]), holder)
    # li gave the proxy: li votes through it (or revokes it first)
    li = _entry(w, w["li"])
    assert (li.can_vote, li.code) == (False, Code.PROXY_GRANTED)
    # wang, the other co-owner, still votes the flat in person
    wang = _entry(w, w["wang"])
    assert (wang.can_vote, wang.via, wang.code) == (True, "owner", "")
    # and so does li's proxy: whoever completes first counts
    mine = _entry(w, holder)
    assert (mine.can_vote, mine.via, mine.proxy) == (True, "proxy", proxy)

    sub = _cast(w, w["wang"])
    assert sub.user == w["wang"] and sub.proxy is None
    # the flat has voted: the proxy is told when, never how; nothing more is written
    with pytest.raises(Conflict) as exc:
        _cast(w, holder, proxy=proxy, answers={str(w["question"].pk): "no"})
    assert exc.value.code == Code.ALREADY_VOTED
    assert Ballot.objects.filter(flat_id=w["flat"]["1栋-102"]).count() == 1
    assert _entry(w, holder).code == Code.ALREADY_VOTED
    # li and li's proxy learn that the flat voted
    assert Notification.objects.filter(user=w["li"], kind="ballot.flat_voted").exists()
    # the proxy did not vote: li may still revoke it
    assert proxies.proxy_revoke(actor=w["li"], proxy_id=proxy.pk).status == Proxy.Status.REVOKED


def test_r_vote_8_the_proxy_may_vote_first_and_then_the_co_owner_is_told(cast_world):
    w = cast_world
    holder = _holder()
    proxy = _accepted(grant(w["li"], w["meeting"], [w["flats"]["1栋-102"]]), holder)
    sub = _cast(w, holder, proxy=proxy)
    assert sub.proxy == proxy
    with pytest.raises(Conflict) as exc:
        _cast(w, w["wang"])
    assert exc.value.code == Code.ALREADY_VOTED
    assert Ballot.objects.filter(flat_id=w["flat"]["1栋-102"]).count() == 1
    assert Notification.objects.filter(user=w["wang"], kind="ballot.flat_voted").exists()


def test_r_vote_8_each_co_owner_may_give_a_proxy_of_their_own(cast_world):
    w = cast_world
    flat = w["flats"]["1栋-102"]
    holder = _holder()
    second = verified_person(mobile(61), "孙八", person_id(61))
    from .proxy_fixtures import PROXY2

    by_li = _accepted(grant(w["li"], w["meeting"], [flat]), holder)
    by_wang = _accepted(grant(w["wang"], w["meeting"], [flat], person=PROXY2), second)
    assert by_li.owner != by_wang.owner
    assert _entry(w, holder).can_vote and _entry(w, second).can_vote
    assert _entry(w, w["li"]).code == _entry(w, w["wang"]).code == Code.PROXY_GRANTED
    _cast(w, second, proxy=by_wang)
    assert _entry(w, holder).code == Code.ALREADY_VOTED


def test_r_vote_8_a_chosen_representative_still_decides(cast_world):
    """Where the co-owners chose a representative, the representative rule is unchanged: the other
    co-owner's proxy is refused, the representative votes."""
    w = cast_world
    holder = _holder()
    proxy = _accepted(grant(w["li"], w["meeting"], [w["flats"]["1栋-102"]]), holder)
    rep = reps.representative_propose(
        actor=w["wang"], meeting_id=w["meeting"].pk, flat_id=w["flat"]["1栋-102"], user_id=w["wang"].pk
    )
    reps.representative_consent(actor=w["li"], representative_id=rep.pk)
    assert _entry(w, holder).code == Code.REPRESENTATIVE
    with pytest.raises(Forbidden) as exc:
        _cast(w, holder, proxy=proxy)
    assert exc.value.code == Code.REPRESENTATIVE
    assert Ballot.objects.count() == 0
    wang = _entry(w, w["wang"])
    assert (wang.can_vote, wang.via) == (True, "representative")


def test_r_vote_8_the_other_co_owners_phone_page_and_api_say_they_can_vote(cast_world):
    w = cast_world
    holder = _holder()
    _accepted(grant(w["li"], w["meeting"], [w["flats"]["1栋-102"]]), holder)
    m = w["meeting"].pk
    # li, who gave the proxy, is told in Chinese to revoke it to vote in person
    page = _client(w["li"]).get(reverse("voting:vote", args=[m])).content.decode()
    assert "ballot.proxy_granted" in page and "撤销委托" in page
    wang = _client(w["wang"])
    page = wang.get(reverse("voting:vote", args=[m])).content.decode()
    assert 'id="can-vote"' in page and "为 1栋-102 投票" in page
    assert "ballot.proxy_granted" not in page
    rows = wang.get(f"{R}/meetings/{m}/flats").json()
    assert [(r["flat"], r["can_vote"], r["code"]) for r in rows] == [("1栋-102", True, "")]
    r = wang.post(
        f"{R}/meetings/{m}/ballots",
        {"flat_ids": [w["flat"]["1栋-102"]], "answers": w["answers"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    # li's page now lists the flat among those voted, and the co-owner section says so in Chinese
    page = _client(w["li"]).get(reverse("voting:vote", args=[m])).content.decode()
    voted = page[page.index("已投票的房屋") :]
    assert "1栋-102" in voted[: voted.index("我的表决票和回执")]
    assert "这套房屋已经投过票了" in page
