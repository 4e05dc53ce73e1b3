"""The co-owners' representative (R-VOTE-8, art. 21): proposed by a bound co-owner, in effect when
every co-owner bound when voting opened consented; then only the representative votes the flat."""

from __future__ import annotations

import pytest

from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.notify.models import Notification
from ownervote.voting.models import Representative, Submission
from ownervote.voting.services import cast
from ownervote.voting.services import representatives as reps


def _propose(w, who, user):
    return reps.representative_propose(
        actor=w[who], meeting_id=w["meeting"].pk, flat_id=w["flat"]["1栋-102"], user_id=w[user].pk
    )


def _cast(w, who):
    return cast.ballot_cast(
        actor=w[who], meeting_id=w["meeting"].pk, flat_ids=[w["flat"]["1栋-102"]], answers=w["answers"]
    )


def test_representative_takes_effect_when_every_co_owner_consents(cast_world):  # R-VOTE-8
    w = cast_world
    rep = _propose(w, "li", "wang")
    assert rep.status == Representative.Status.PROPOSED and rep.proposed_by == w["li"]
    assert Notification.objects.filter(user=w["wang"], kind="ballot.representative").exists()
    # not yet in effect: either co-owner could still vote (first ballot counts)
    assert [e.can_vote for e in cast.voter_flats(w["li"], w["meeting"])] == [True]
    (flat,) = reps.co_owner_flats(w["wang"], w["meeting"])
    assert flat.representative == rep and not flat.consented and flat.can_change
    rep = reps.representative_consent(actor=w["wang"], representative_id=rep.pk)
    assert rep.status == Representative.Status.EFFECTIVE and rep.effective_at is not None
    # in effect: li is refused with the reason, wang votes as the representative
    (entry,) = cast.voter_flats(w["li"], w["meeting"])
    assert entry.code == "ballot.representative" and "代表" in entry.reason
    with pytest.raises(Forbidden) as exc:
        _cast(w, "li")
    assert exc.value.code == "ballot.representative"
    (entry,) = cast.voter_flats(w["wang"], w["meeting"])
    assert (entry.can_vote, entry.via) == (True, "representative")
    _cast(w, "wang")
    # once the flat voted, the choice no longer changes
    with pytest.raises(Conflict) as exc:
        reps.representative_withdraw(actor=w["li"], representative_id=rep.pk)
    assert exc.value.code == "representative.flat_voted"
    assert Representative.objects.get(pk=rep.pk).status == Representative.Status.EFFECTIVE


def test_proposing_oneself_and_withdrawing(cast_world):  # R-VOTE-8
    w = cast_world
    rep = _propose(w, "wang", "wang")
    with pytest.raises(Conflict) as exc:  # one live choice per flat
        _propose(w, "li", "li")
    assert exc.value.code == "representative.exists"
    with pytest.raises(Conflict) as exc:  # the proposer consented by proposing
        reps.representative_consent(actor=w["wang"], representative_id=rep.pk)
    assert exc.value.code == "representative.already_consented"
    assert Representative.objects.get(pk=rep.pk).status == Representative.Status.PROPOSED
    reps.representative_consent(actor=w["li"], representative_id=rep.pk)
    assert Representative.objects.get(pk=rep.pk).status == Representative.Status.EFFECTIVE
    rep = reps.representative_withdraw(actor=w["li"], representative_id=rep.pk)
    assert rep.status == Representative.Status.WITHDRAWN and rep.withdrawn_at is not None
    # withdrawn: the first ballot counts again
    assert [e.can_vote for e in cast.voter_flats(w["li"], w["meeting"])] == [True]
    assert _propose(w, "li", "li").status == Representative.Status.PROPOSED


def test_only_bound_co_owners_choose(cast_world):  # R-VOTE-8
    w = cast_world
    with pytest.raises(Forbidden) as exc:
        _propose(w, "zhang", "zhang")  # owns another flat
    assert exc.value.code == "representative.not_co_owner"
    with pytest.raises(InvalidInput) as exc:
        _propose(w, "li", "zhang")  # not a co-owner of 1栋-102
    assert exc.value.code == "representative.not_co_owner"
    rep = _propose(w, "li", "wang")
    with pytest.raises(NotFound):
        reps.representative_consent(actor=w["zhang"], representative_id=rep.pk)
    with pytest.raises(NotFound):
        reps.representative_withdraw(actor=w["zhang"], representative_id=rep.pk)
    assert Representative.objects.get(pk=rep.pk).status == Representative.Status.PROPOSED


def test_no_choice_once_the_flat_voted(cast_world):  # R-VOTE-8
    w = cast_world
    _cast(w, "li")
    with pytest.raises(Conflict) as exc:
        _propose(w, "wang", "wang")
    assert exc.value.code == "representative.flat_voted"
    assert not Representative.objects.exists() and Submission.objects.count() == 1
