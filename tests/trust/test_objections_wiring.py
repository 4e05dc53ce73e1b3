"""The impersonation signals and the objections to the result, wired together (R-TRUST-1,
R-TRUST-2): "I never voted" on one's own flat raises a disowned-ballot signal at once; the street
office refers a signal to the convener as an objection the convener must answer; imported bindings
(R-DATA-1) are no burst."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict
from ownervote.notify.models import Notification
from ownervote.objections import services as objections
from ownervote.objections.models import ResultObjection
from ownervote.trust import facts, services
from ownervote.trust.errors import Code
from ownervote.trust.models import Kind, Signal
from tests.objections.conftest import at, make_publicised
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures


@pytest.fixture
def world(voting_world):  # noqa: F811 - the fixture imported above
    """Estate a's meeting: zhang voted for 1栋-101, li for 1栋-102 (wang, its co-owner, did not);
    the result publicised from today (tests/objections/conftest.py)."""
    return make_publicised(voting_world)


def raise_objection(w, *, who="wang", flat="1栋-102", kind="never_voted", text=""):
    with_text = text or ("我怀疑这户的票不是业主本人投的，请核查。" if kind == "doubt_other" else "")
    return objections.objection_raise(
        actor=w[who],
        meeting_id=w["meeting"].pk,
        flat_id=w["flats"][flat].pk,
        kind=kind,
        text=with_text,
        receipt="",
        now=at(1),
    )


def test_r_trust_2_never_voted_raises_a_disowned_ballot_signal_at_once(
    world, django_capture_on_commit_callbacks
):
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        o = raise_objection(w)
    signal = Signal.objects.get(kind=Kind.DISOWNED_BALLOT)
    assert signal.estate == w["meeting"].estate and signal.meeting == w["meeting"]
    assert signal.status == Signal.Status.OPEN and signal.handler_kind == "street_office"
    assert signal.key == f"flat:{w['flats']['1栋-102'].pk}"
    assert signal.measure["objections"] == 1
    types = [item["type"] for item in signal.evidence]
    assert types == ["ballot", "objection"]  # li's ballot recorded for the flat, and the objection
    ballot = signal.evidence[0]
    assert ballot["flat"] == str(w["flats"]["1栋-102"])
    assert "*" in ballot["owner"] and "*" in ballot["mobile"]  # masked, as every signal's evidence
    assert signal.evidence[1]["id"] == o.pk


def test_r_trust_2_other_objections_raise_no_signal(world, django_capture_on_commit_callbacks):
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        raise_objection(w, who="zhang", flat="1栋-102", kind="doubt_other")
    assert not Signal.objects.exists()


def test_r_trust_1_street_office_refers_a_disowned_ballot_to_the_convener(
    world, django_capture_on_commit_callbacks
):
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        raise_objection(w)
    signal = Signal.objects.get(kind=Kind.DISOWNED_BALLOT)
    done = services.signal_review(
        actor=w["street"], signal_id=signal.pk, outcome="referred", note="请核实这张票是谁投的。", now=at(2)
    )
    assert done.status == Signal.Status.REFERRED
    referred = ResultObjection.objects.get(kind=ResultObjection.Kind.REFERRED)
    assert referred.flat == w["flats"]["1栋-102"] and referred.meeting == w["meeting"]
    assert referred.text == "请核实这张票是谁投的。"
    assert referred.answer_by == w["publicity"].ends_on
    assert Notification.objects.filter(kind="objection.raised", user=w["convener"]).count() == 2
    # reviewed once: a second review is refused
    with pytest.raises(Conflict):
        services.signal_review(
            actor=w["street"], signal_id=signal.pk, outcome="dismissed", note="再看一次", now=at(3)
        )


def test_r_trust_1_a_signal_without_a_meeting_is_not_referred(world):
    w = world
    now = timezone.now()
    signal = Signal.objects.create(
        estate=w["meeting"].estate,
        kind=Kind.SHARED_DEVICE,
        key="device",
        evidence=[],
        handler_kind="street_office",
        handler_division=w["meeting"].estate.street,
        first_seen_at=now,
        last_seen_at=now,
    )
    with pytest.raises(Conflict) as e:
        services.signal_review(
            actor=w["street"], signal_id=signal.pk, outcome="referred", note="转召集人", now=at(2)
        )
    assert e.value.code == Code.REFER_NEEDS_MEETING
    signal.refresh_from_db()
    assert signal.status == Signal.Status.OPEN and not ResultObjection.objects.exists()


def test_r_data_1_imported_bindings_are_not_examined_for_bursts(world):
    w = world
    estate = w["meeting"].estate
    since, until = timezone.now() - dt.timedelta(days=400), timezone.now() + dt.timedelta(days=1)
    own = {a.id for a in facts.bindings(estate, since, until).acts}
    assert own  # the world's owners bound here themselves
    moved = Binding.objects.filter(pk__in=own).order_by("pk").first()
    Binding.objects.filter(pk=moved.pk).update(
        provenance="platform:old", external_ref="x1", imported_at=timezone.now(), imported_by=w["street"]
    )
    assert {a.id for a in facts.bindings(estate, since, until).acts} == own - {moved.pk}
