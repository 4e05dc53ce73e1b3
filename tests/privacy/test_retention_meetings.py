"""R-SEC-7: the retention job's kinds whose period runs from a meeting's or a publication's end, or
from the end of an ownership (``proxy``, ``binding_objection``, ``result_objection``, ``signal``,
``former_owner``): with the clock moved three years on, what expired is anonymised; what belongs to
a meeting still voting, a publication or ownership recently ended, or an objection still awaiting
its answer is untouched; a second run and a dry run change nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.audit.retention import erase_expired
from ownervote.bindinglist.models import Objection, Publication
from ownervote.core import files, pii
from ownervote.core.models import StoredFile
from ownervote.meetings.models import MeetingStatus
from ownervote.objections.models import ResultObjection
from ownervote.orgs.models import Organisation
from ownervote.roster.models import Owner, Ownership
from ownervote.trust.models import Signal
from ownervote.voting.models import Proxy, ProxyHolder

from ..dbroles import as_role, postgres_only
from ..rosterfiles import person_id
from ..trust.detect.world import World

YEAR3 = dt.timedelta(days=3 * 366 + 1)  # past three calendar years from any start
DAY = dt.timedelta(days=1)
_mobiles = itertools.count(13900000100)
KINDS = ("proxy", "binding_objection", "result_objection", "signal", "former_owner")


def _document(user) -> StoredFile:
    return files.store(files.Upload("proxy.pdf", b"%PDF-proxy"), uploaded_by=user)


def _proxies(w: World, meetings: dict, staff) -> dict:
    shared, alone = person_id(901), person_id(902)
    made = {
        "old": w.proxy(meetings["old"], w.person(), holder_id=alone),
        "old_shared": w.proxy(meetings["old"], w.person(), holder_id=shared),
        "recent": w.proxy(meetings["recent"], w.person(), holder_id=shared),
        "running": w.proxy(meetings["running"], w.person(), holder_id=person_id(903)),
        "cancelled": w.proxy(meetings["cancelled"], w.person(), holder_id=person_id(904)),
    }
    for p in made.values():
        Proxy.objects.filter(pk=p.pk).update(
            document=_document(staff["convener"]), device_hash="d" * 64, client_ip="10.0.0.5"
        )
    return made


def _signal(w: World, meeting, *, key: str, seen: dt.datetime, reviewed: dt.datetime | None, staff) -> Signal:
    return Signal.objects.create(
        estate=w.estate,
        meeting=meeting,
        kind="shared_device",
        key=f"shared_device:{key}",
        measure={"flats": 3, "owners": 3},
        evidence=[{"type": "binding", "id": 1, "mobile": "138****0001", "address": "10.0.0.*"}],
        evidence_count=1,
        handler_kind="street_office",
        handler_division=w.estate.street,
        status=Signal.Status.DISMISSED if reviewed else Signal.Status.OPEN,
        first_seen_at=seen - DAY,
        last_seen_at=seen,
        reviewed_at=reviewed,
        reviewed_by=staff["street"] if reviewed else None,
    )


def _result_objection(
    w: World, meeting, *, answer_by: dt.date, closed: dt.datetime | None
) -> ResultObjection:
    person = w.person()
    answered = {}
    if closed is not None:
        answered = {
            "status": ResultObjection.Status.ACCEPTED,
            "answer": "经核对，该房屋的选票由本人投出",
            "answered_by": w.account(str(next(_mobiles))),
            "answered_at": closed - DAY,
            "closed_at": closed,
        }
    return ResultObjection.objects.create(
        meeting=meeting,
        estate=w.estate,
        flat=person.flats[0],
        kind=ResultObjection.Kind.NEVER_VOTED,
        raised_by=w.account(str(next(_mobiles))),
        text=f"我没有投票，{person.name}的房屋却有选票",
        receipt="ABCD2345EFGH",
        raised_at=timezone.now(),
        answer_by=answer_by,
        **answered,
    )


def _binding_objection(w: World, publication: Publication, *, decided: dt.datetime, staff) -> Objection:
    binding = w.bind(w.person(), at=decided - 30 * DAY)[0]
    o = Objection(
        publication=publication,
        binding=binding,
        filed_by=binding.user,
        reason="该房屋的业主是我，不是绑定人",
        status=Objection.Status.CORRECTED,
        decided_by=staff["convener"],
        decider_real_name="召集人",
        decided_at=decided,
        outcome_note="已更正",
    )
    pii.seal(o, "corrected_name", "吴更正")
    pii.seal(o, "corrected_mobile", "13800000123")
    o.save()
    o.files.add(files.store(files.Upload("deed.pdf", b"%PDF-deed"), uploaded_by=binding.user))
    return o


def _publication(w: World, ends: dt.date, staff) -> Publication:
    return Publication.objects.create(
        estate=w.estate,
        starts_on=ends - 10 * DAY,
        ends_on=ends,
        list_digest="0" * 64,
        published_by=staff["convener"],
        publisher_real_name="召集人",
        publisher_organisation=w.convener,
    )


def _owner(w: World, *ends: dt.datetime | None, kind=Owner.Kind.PERSON) -> Owner:
    person = w.person(flats=len(ends))
    for flat, ended in zip(person.flats, ends, strict=True):
        Ownership.objects.create(
            flat=flat, owner=person.owner, valid_from=dt.date(2010, 1, 1), ended_at=ended
        )
    person.owner.kind = kind
    pii.seal(person.owner, "mobile", "13800000321")
    person.owner.save()
    return person.owner


@pytest.fixture
def ended(staff, estates):
    """Rows of every kind, made at ``t``: of a meeting closed 20 days before ``t`` (``old``), one
    cancelled then, one still voting (its dates past, not yet closed), one closing 60 days after
    ``t`` (``recent``); publications and ownerships ended at those times; and the objections and
    signals decided late or still waiting. ``run`` is three years and a day past ``t``."""
    w = World(estates["a"], Organisation.objects.get(memberships__user=staff["convener"]))
    t = timezone.now()
    meetings = {
        "old": w.meeting(opens=t - 30 * DAY, status=MeetingStatus.CLOSED),
        "running": w.meeting(opens=t - 30 * DAY, status=MeetingStatus.VOTING),
        "recent": w.meeting(opens=t + 50 * DAY, status=MeetingStatus.CLOSED),
        "cancelled": w.meeting(opens=t + 10 * DAY, status=MeetingStatus.CANCELLED),
    }
    meetings["cancelled"].cancelled_at = t - 20 * DAY
    meetings["cancelled"].save(update_fields=["cancelled_at"])
    old_pub, recent_pub = (
        _publication(w, (t - 20 * DAY).date(), staff),
        _publication(w, (t + 60 * DAY).date(), staff),
    )
    old, running = meetings["old"], meetings["running"]
    return {
        "run": t + YEAR3,
        "proxies": _proxies(w, meetings, staff),
        "signals": {
            "old": _signal(w, old, key="a", seen=t - 21 * DAY, reviewed=t - 19 * DAY, staff=staff),
            "no_meeting": _signal(w, None, key="b", seen=t - 20 * DAY, reviewed=None, staff=staff),
            "running": _signal(w, running, key="c", seen=t - 21 * DAY, reviewed=None, staff=staff),
            "reviewed_late": _signal(w, old, key="d", seen=t - 21 * DAY, reviewed=t + 60 * DAY, staff=staff),
        },
        "result_objections": {
            "old": _result_objection(w, old, answer_by=(t - 20 * DAY).date(), closed=t - 21 * DAY),
            "recent": _result_objection(w, old, answer_by=(t + 60 * DAY).date(), closed=t + 55 * DAY),
            "waiting": _result_objection(w, old, answer_by=(t - 20 * DAY).date(), closed=None),
        },
        "binding_objections": {
            "old": _binding_objection(w, old_pub, decided=t - 25 * DAY, staff=staff),
            "recent": _binding_objection(w, recent_pub, decided=t + 55 * DAY, staff=staff),
            "decided_late": _binding_objection(w, old_pub, decided=t + 60 * DAY, staff=staff),
        },
        "owners": {
            "gone": _owner(w, t - 20 * DAY),
            "recent": _owner(w, t + 60 * DAY),
            "still": _owner(w, t - 20 * DAY, None),
            "organisation": _owner(w, t - 20 * DAY, kind=Owner.Kind.ORGANISATION),
        },
    }


def _state(rows: dict) -> dict[str, set[str]]:
    """Per kind, which of the fixture's rows have lost their personal data."""
    state: dict[str, set[str]] = {k: set() for k in KINDS}
    for name, p in rows["proxies"].items():
        p = Proxy.objects.select_related("document").get(pk=p.pk)
        gone = (
            p.name_enc == p.id_number_hash == p.mobile_masked == p.device_hash == "" and p.client_ip is None
        )
        if gone and p.document.erased_at is not None and bytes(p.document.data_enc) == b"":
            state["proxy"].add(name)
        if ProxyHolder.objects.get(pk=p.holder_id).id_number_hash == f"erased:{p.holder_id}":
            state["proxy"].add(f"holder:{name}")
    for name, s in rows["signals"].items():
        s = Signal.objects.get(pk=s.pk)
        if s.evidence == [] and s.key == f"erased:{s.pk}" and s.evidence_count == 1:
            state["signal"].add(name)
    for name, o in rows["result_objections"].items():
        o = ResultObjection.objects.get(pk=o.pk)
        if o.text == o.receipt == "":
            state["result_objection"].add(name)
    for name, o in rows["binding_objections"].items():
        o = Objection.objects.get(pk=o.pk)
        cleared = o.reason == o.corrected_name_enc == o.corrected_mobile_hash == o.corrected_name_masked == ""
        if cleared and o.erased_at and not o.files.filter(erased_at__isnull=True).exists():
            state["binding_objection"].add(name)
    for name, owner in rows["owners"].items():
        owner = Owner.objects.get(pk=owner.pk)
        if owner.name_enc == owner.id_number_enc == owner.mobile_hash == owner.name_masked == "":
            assert owner.id_number_hash == f"erased:{owner.pk}"
            state["former_owner"].add(name)
    return state


EXPIRED = {
    "proxy": {"old", "old_shared", "cancelled", "holder:old", "holder:cancelled"},
    "signal": {"old", "no_meeting"},
    "result_objection": {"old"},
    "binding_objection": {"old"},
    "former_owner": {"gone"},
}


def test_r_sec_7_meeting_kinds_erased_after_three_years_only(ended):
    """R-SEC-7: three years after a meeting, a publication or an ownership ended, its proxies,
    signals, objections and former owners are anonymised, the rows kept; those of a meeting still
    voting, recently ended, decided late or still awaiting an answer are untouched; before then,
    nothing is."""
    erase_expired()
    assert _state(ended) == {k: set() for k in KINDS}
    with time_machine.travel(ended["run"] - 60 * DAY, tick=False):
        erase_expired()
    assert _state(ended) == {k: set() for k in KINDS}
    with time_machine.travel(ended["run"], tick=False):
        counts = erase_expired()
    assert _state(ended) == EXPIRED
    assert {k: counts[k] for k in KINDS} == {
        "proxy": 5,  # three proxies and two holders (the shared one still holds a recent proxy)
        "signal": 2,
        "result_objection": 1,
        "binding_objection": 1,
        "former_owner": 1,
    }
    events = {e.object_id: e.summary for e in AuditEvent.objects.filter(action="retention.erased")}
    assert {k: events[k]["rows"] for k in KINDS} == {k: counts[k] for k in KINDS}
    assert "吴更正" not in str(events) and "ABCD2345EFGH" not in str(events)


def test_r_sec_7_meeting_kinds_later_expire_too(ended):
    """R-SEC-7: what was recent expires in its turn; the meeting still voting and the objection
    still waiting never do, whatever their dates."""
    with time_machine.travel(ended["run"] + YEAR3, tick=False):
        erase_expired()
    state = _state(ended)
    assert state["proxy"] == EXPIRED["proxy"] | {"recent", "holder:old_shared", "holder:recent"}
    assert state["signal"] == {"old", "no_meeting", "reviewed_late"}
    assert state["result_objection"] == {"old", "recent"}
    assert state["binding_objection"] == {"old", "recent", "decided_late"}
    assert state["former_owner"] == {"gone", "recent"}


def test_r_sec_7_meeting_kinds_second_run_changes_nothing(ended):
    """R-SEC-7: a second run finds nothing of these kinds and writes no audit event."""
    with time_machine.travel(ended["run"], tick=False):
        erase_expired()
        events = AuditEvent.objects.count()
        again = erase_expired()
    assert {k: again[k] for k in KINDS} == dict.fromkeys(KINDS, 0)
    assert AuditEvent.objects.count() == events


def test_r_sec_7_meeting_kinds_dry_run_changes_nothing(ended):
    """R-SEC-7: a dry run counts what would change and changes nothing."""
    events = AuditEvent.objects.count()
    with time_machine.travel(ended["run"], tick=False):
        dry = erase_expired(dry_run=True)
        assert _state(ended) == {k: set() for k in KINDS}
        assert AuditEvent.objects.count() == events
        assert {k: dry[k] for k in KINDS} == {k: n for k, n in erase_expired().items() if k in KINDS}


@postgres_only
def test_r_sec_7_meeting_kinds_run_as_the_application_role(ended, app_role):
    """R-SEC-7, R-SEC-5: as the application role (row locks through the joins to meetings and
    publications, no append-only table touched) every one of these kinds is erased."""
    with time_machine.travel(ended["run"], tick=False), as_role(app_role):
        erase_expired()
    assert _state(ended) == EXPIRED
