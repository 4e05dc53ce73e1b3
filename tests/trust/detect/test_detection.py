"""R-TRUST-1: detection on generated data, each signal where it must fire and where it must not;
idempotence, reopening, masking, and the city's thresholds changing what is detected."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Forbidden, InvalidInput
from ownervote.trust.detection import signal_raise, signals_detect
from ownervote.trust.models import CityThresholds, Kind, Signal
from ownervote.trust.thresholds import thresholds_for, thresholds_set

from .world import T0, mobile_of

pytestmark = pytest.mark.django_db

NOW = T0
DAY = dt.timedelta(days=1)


def kinds(estate=None):
    qs = Signal.objects.all() if estate is None else Signal.objects.filter(estate=estate)
    return sorted(qs.values_list("kind", flat=True))


# --- shared mobile / device -------------------------------------------------------------------


def test_shared_mobile_three_owners_three_flats_fires_r_trust_1(world):
    """R-TRUST-1: one mobile verifying and binding three flats of three owners is a signal, shown
    to the street office of the estate (the supervisor), with masked evidence."""
    people = [world.person() for _ in range(3)]
    for p in people:
        world.bind(p, at=NOW - 2 * DAY, mobile="13800001111")
    summary = signals_detect(estate=world.estate, now=NOW)
    assert summary["raised"] == 1
    signal = Signal.objects.get()
    assert signal.kind == Kind.SHARED_MOBILE and signal.meeting is None
    assert signal.status == Signal.Status.OPEN
    assert signal.handler_kind == "street_office" and signal.handler_division_id == world.estate.street_id
    assert signal.measure == {"flats": 3, "owners": 3, "threshold": {"flats": 3, "owners": 3}}
    assert signal.evidence_count == 3
    item = signal.evidence[0]
    assert item["type"] == "binding" and item["mobile"] == "138****1111"
    assert item["flat"] == str(people[0].flats[0]) and item["owner"].count("*") == 1


def test_family_of_four_sharing_a_mobile_is_not_a_signal_r_trust_1(world):
    """R-TRUST-1: a family of four co-owners binding their flat, and a second family their two
    flats, all from one phone each: 1 and 2 flats, never 3. Nothing is raised."""
    for member in world.family(4):
        world.bind(member, at=NOW - DAY, mobile="13800002222", device="dev-family-1")
    for member in world.family(4, flats=2):
        world.bind(member, at=NOW - DAY, mobile="13800003333", device="dev-family-2")
    assert signals_detect(estate=world.estate, now=NOW)["raised"] == 0
    assert kinds() == []


def test_two_owners_and_old_bindings_are_not_signals_r_trust_1(world):
    """Two owners' three flats from one mobile is not a signal; nor are bindings older than 60 days."""
    a, b = world.person(flats=2), world.person()
    for p in (a, b):
        world.bind(p, at=NOW - DAY, mobile="13800004444")
    for p in [world.person() for _ in range(3)]:
        world.bind(p, at=NOW - 61 * DAY, mobile="13800005555")
    signals_detect(estate=world.estate, now=NOW)
    assert kinds() == []


def test_shared_device_fires_for_bindings_and_for_ballots_r_trust_1(world):
    """R-TRUST-1: one device binding three owners' flats (a signal without a meeting), and one
    device voting three owners' flats in a meeting (a signal of that meeting)."""
    people = [world.person() for _ in range(3)]
    bindings = [world.bind(p, at=NOW - 20 * DAY, device="dev-bind")[0] for p in people]
    meeting = world.meeting(opens=NOW - 3 * DAY)
    for i, b in enumerate(bindings):
        world.ballot(meeting, b, at=NOW - 2 * DAY + i * dt.timedelta(hours=3), device="dev-vote")
    signals_detect(estate=world.estate, now=NOW)
    found = {(s.kind, s.meeting_id) for s in Signal.objects.all()}
    assert (Kind.SHARED_DEVICE, None) in found and (Kind.SHARED_DEVICE, meeting.pk) in found
    voted = Signal.objects.get(kind=Kind.SHARED_DEVICE, meeting=meeting)
    assert {e["type"] for e in voted.evidence} == {"ballot"}


# --- bursts and on-site -----------------------------------------------------------------------


def test_binding_burst_before_voting_fires_and_a_small_one_does_not_r_trust_1(world, world_c):
    """R-TRUST-1: 10 bindings in the week before voting opens where the estate had none: a burst;
    9 in the other estate: not."""
    opens = NOW - DAY
    for i in range(10):
        world.bind(world.person(), at=opens - dt.timedelta(hours=6 + i))
    world.meeting(opens=opens)
    for i in range(9):
        world_c.bind(world_c.person(), at=opens - dt.timedelta(hours=6 + i))
    world_c.meeting(opens=opens)
    signals_detect(now=NOW)
    assert Kind.BINDING_BURST in kinds(world.estate)
    assert Kind.BINDING_BURST not in kinds(world_c.estate)
    burst = Signal.objects.get(kind=Kind.BINDING_BURST)
    assert burst.measure["recent"] == 10 and burst.measure["usual"] == 0


def test_a_busy_estates_ordinary_pace_is_not_a_burst_r_trust_1(world):
    """12 bindings in the last week where 60 days gave 2 a day (120): not three times the rate."""
    opens = NOW - DAY
    for i in range(12):
        world.bind(world.person(), at=opens - dt.timedelta(hours=3 + i * 10))
    for i in range(120):
        world.bind(world.person(), at=opens - 8 * DAY - dt.timedelta(hours=i * 12))
    world.meeting(opens=opens)
    signals_detect(estate=world.estate, now=NOW)
    assert Kind.BINDING_BURST not in kinds()
    assert Kind.VERIFICATION_BURST not in kinds()


def test_onsite_late_fires_for_one_checker_r_trust_1(world, staff):
    """R-TRUST-1: the convener's 10 on-site verifications all in the last 3 days before voting;
    another checker's 10 spread over two months are not a signal."""
    opens = NOW - DAY
    convener = staff["convener"]
    for i in range(10):
        world.verification(
            world.person(), at=opens - dt.timedelta(hours=2 + i), mobile=mobile_of(i), checker=convener
        )
    careful = staff["community"]
    for i in range(10):
        world.verification(
            world.person(), at=opens - dt.timedelta(days=5 + i * 5), mobile=mobile_of(50 + i), checker=careful
        )
    world.meeting(opens=opens)
    signals_detect(estate=world.estate, now=NOW)
    late = Signal.objects.filter(kind=Kind.ONSITE_LATE)
    assert late.count() == 1
    assert late.get().key.endswith(f"checker:{convener.pk}")
    assert late.get().measure["late"] == 10 and late.get().measure["total"] == 10
    # The same 10 on-site verifications are also a verification burst before the meeting.
    assert Kind.VERIFICATION_BURST in kinds()


# --- proxies and addresses --------------------------------------------------------------------


def test_proxy_concentration_across_estates_r_trust_1(world, world_c):
    """R-TRUST-1: one holder with three owners' proxies in estate a (the legal limit, 3 flats: not
    a signal) and one more owner's in estate c: 4 flats of 4 owners across the city. Raised in each
    estate, with that estate's proxies as evidence."""
    holder = "440304197001019999"
    ma = world.meeting(opens=NOW - DAY)
    mc = world_c.meeting(opens=NOW - DAY)
    for _ in range(3):
        world.proxy(ma, world.person(), holder_id=holder)
    signals_detect(now=NOW)
    assert Kind.PROXY_CONCENTRATION not in kinds()
    world_c.proxy(mc, world_c.person(), holder_id=holder)
    signals_detect(now=NOW)
    a = Signal.objects.get(kind=Kind.PROXY_CONCENTRATION, estate=world.estate)
    c = Signal.objects.get(kind=Kind.PROXY_CONCENTRATION, estate=world_c.estate)
    assert a.measure["flats"] == 4 and a.measure["owners"] == 4 and a.measure["estates"] == 2
    assert a.evidence_count == 3 and c.evidence_count == 1
    assert c.handler_division_id == world_c.estate.street_id
    assert all(holder not in json.dumps(s.evidence) for s in (a, c))
    assert a.evidence[0]["holder"] == "郑*钱"


def test_address_ballots_fire_within_ten_minutes_not_over_an_hour_r_trust_1(world):
    """R-TRUST-1: five owners' ballots from one address within 10 minutes; five others from another
    address spread over an hour are not a signal."""
    meeting = world.meeting(opens=NOW - 2 * DAY)
    for i in range(5):
        b = world.bind(world.person(), at=NOW - 30 * DAY)[0]
        world.ballot(meeting, b, at=NOW - DAY + dt.timedelta(minutes=2 * i), ip="203.0.113.7")
    for i in range(5):
        b = world.bind(world.person(), at=NOW - 30 * DAY)[0]
        world.ballot(meeting, b, at=NOW - DAY + dt.timedelta(minutes=15 * i), ip="198.51.100.9")
    signals_detect(estate=world.estate, now=NOW)
    signal = Signal.objects.get(kind=Kind.ADDRESS_BALLOTS)
    assert signal.meeting == meeting and signal.evidence_count == 5
    assert {e["address"] for e in signal.evidence} == {"203.0.113.*"}
    assert "203.0.113.7" not in signal.key and "203.0.113.7" not in json.dumps(signal.evidence)


def test_meetings_closed_long_ago_are_not_examined_r_trust_1(world):
    meeting = world.meeting(opens=NOW - 80 * DAY, status="closed", days=10)  # closed 70 days ago
    for i in range(5):
        b = world.bind(world.person(), at=NOW - 90 * DAY)[0]
        world.ballot(meeting, b, at=NOW - 75 * DAY + dt.timedelta(minutes=i), ip="203.0.113.7")
    signals_detect(estate=world.estate, now=NOW)
    assert kinds() == []


# --- idempotence, reopening, masking ----------------------------------------------------------


def test_detection_is_idempotent_r_trust_1(world):
    """Running detection again changes nothing: one signal, the same evidence, one audit event."""
    for p in [world.person() for _ in range(3)]:
        world.bind(p, at=NOW - DAY, mobile="13800006666")
    first = signals_detect(estate=world.estate, now=NOW)
    evidence = Signal.objects.get().evidence
    second = signals_detect(estate=world.estate, now=NOW + dt.timedelta(hours=1))
    assert first["raised"] == 1 and second["raised"] == 0 and second["unchanged"] == 1
    assert Signal.objects.count() == 1 and Signal.objects.get().evidence == evidence
    assert AuditEvent.objects.filter(action="signal.raised").count() == 1


def test_dismissed_signal_reopens_only_when_evidence_grows_r_trust_1(world, staff):
    """R-TRUST-1: a dismissed signal stays dismissed while its evidence is what was reviewed, and
    opens again (audited) when a fourth flat is bound from the same mobile; earlier items keep
    their place (a reveal's item index stays valid)."""
    for p in [world.person() for _ in range(3)]:
        world.bind(p, at=NOW - 2 * DAY, mobile="13800007777")
    signals_detect(estate=world.estate, now=NOW)
    signal = Signal.objects.get()
    Signal.objects.filter(pk=signal.pk).update(
        status=Signal.Status.DISMISSED, reviewed_count=3, reviewed_at=NOW, reviewed_by=staff["street"]
    )
    signals_detect(estate=world.estate, now=NOW + DAY)
    assert Signal.objects.get().status == Signal.Status.DISMISSED
    world.bind(world.person(), at=NOW + DAY, mobile="13800007777")
    summary = signals_detect(estate=world.estate, now=NOW + 2 * DAY)
    reopened = Signal.objects.get()
    assert summary["reopened"] == 1 and reopened.status == Signal.Status.OPEN
    assert reopened.evidence_count == 4 and reopened.evidence[:3] == signal.evidence
    assert AuditEvent.objects.filter(action="signal.raised").count() == 2


def test_evidence_never_holds_raw_personal_data_r_trust_1(world):
    """R-TRUST-1: names, mobiles and ID numbers appear only masked in a signal's evidence."""
    people = [world.person() for _ in range(3)]
    for p in people:
        world.bind(p, at=NOW - DAY, mobile="13800008888", device="dev-x", ip="192.0.2.44")
    signals_detect(estate=world.estate, now=NOW)
    dump = json.dumps([s.evidence for s in Signal.objects.all()], ensure_ascii=False)
    assert Signal.objects.count() == 2  # one mobile, one device
    for p in people:
        assert p.name not in dump and p.id_number not in dump
    assert "13800008888" not in dump and "192.0.2.44" not in dump and "138****8888" in dump


def test_signal_raise_for_a_disowned_ballot_r_trust_1(world):
    """signal_raise is what the objections use when an owner says they never voted."""
    meeting = world.meeting(opens=NOW - DAY)
    item = {"type": "ballot", "id": 1, "flat": "1栋-101", "owner": "张*", "at": NOW.isoformat()}
    signal = signal_raise(
        kind=Kind.DISOWNED_BALLOT,
        estate=world.estate,
        meeting=meeting,
        key="ballot:1",
        measure={},
        evidence=[item],
        now=NOW,
    )
    assert signal.kind == Kind.DISOWNED_BALLOT and signal.evidence_count == 1 and signal.status == "open"
    again = signal_raise(
        kind=Kind.DISOWNED_BALLOT,
        estate=world.estate,
        meeting=meeting,
        key="ballot:1",
        measure={},
        evidence=[item],
        now=NOW,
    )
    assert again.pk == signal.pk and again.evidence_count == 1
    assert AuditEvent.objects.filter(action="signal.raised", object_id=str(signal.pk)).count() == 1


# --- the city's thresholds --------------------------------------------------------------------


def test_city_thresholds_change_what_is_detected_r_trust_1(world, staff, geo):
    """R-TRUST-1: the city raising the shared-mobile threshold to 4 flats leaves 3 flats alone;
    lowering it back to the default raises the signal."""
    for p in [world.person() for _ in range(3)]:
        world.bind(p, at=NOW - DAY, mobile="13800009999")
    thresholds_set(actor=staff["city"], city=geo["city"], values={"shared_flats": 4}, now=NOW)
    assert thresholds_for(world.estate).shared_flats == 4
    signals_detect(estate=world.estate, now=NOW)
    assert kinds() == []
    thresholds_set(actor=staff["city"], city=geo["city"], values={"shared_flats": None}, now=NOW)
    signals_detect(estate=world.estate, now=NOW)
    assert kinds() == [Kind.SHARED_MOBILE]
    assert AuditEvent.objects.filter(action="trust.thresholds_set").count() == 2


@pytest.mark.parametrize("role", ["district", "street", "community", "convener", "pending"])
def test_only_the_city_sets_thresholds_r_trust_1(staff, geo, role):
    with pytest.raises(Forbidden):
        thresholds_set(actor=staff[role], city=geo["city"], values={"shared_flats": 5}, now=NOW)
    assert not CityThresholds.objects.exists()


@pytest.mark.parametrize(
    "values",
    [{"shared_flats": 0}, {"onsite_share": 101}, {"burst_min": -1}, {"nope": 3}, {"burst_days": "7"}],
)
def test_invalid_thresholds_change_nothing_r_trust_1(staff, geo, values):
    with pytest.raises(InvalidInput) as refused:
        thresholds_set(actor=staff["city"], city=geo["city"], values=values, now=NOW)
    assert set(refused.value.details) == set(values)
    assert not CityThresholds.objects.exists()
    assert not AuditEvent.objects.filter(action="trust.thresholds_set").exists()
