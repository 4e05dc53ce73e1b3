"""Detecting the impersonation signals (R-TRUST-1): the facts of each estate (``facts``) measured
against its city's thresholds (``thresholds``) by the rules (``rules.trust``), each finding kept
as one ``Signal`` row.

Detection is idempotent: a finding updates the signal with the same (estate, meeting, kind, key),
adding the evidence it did not have yet (items are never removed or reordered, so a reveal's
``item`` keeps pointing at the same act). A dismissed signal opens again when its evidence grows
beyond what was reviewed. Nothing here blocks anyone: a signal is for the supervising office to
review (``orgs.scoping.supervisor_of``).

Run hourly by the worker (``tasks.detect``) and by ``manage.py detect_signals [--estate ID]``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone

from ownervote.audit.services import record
from ownervote.orgs.scoping import supervisor_of
from ownervote.roster.models import Estate
from ownervote.rules import trust as rules

from . import facts as gather
from .models import Kind, Signal
from .thresholds import thresholds_for

log = logging.getLogger(__name__)

DETECTOR = "detection"  # the audit log's actor for what detection does by itself


def _merge(old: list[dict], new: list[dict]) -> list[dict]:
    seen = {(item.get("type"), item.get("id")) for item in old}
    return old + [item for item in new if (item.get("type"), item.get("id")) not in seen]


def signal_raise(
    *,
    kind: str,
    estate: Estate,
    meeting=None,
    key: str,
    measure: dict,
    evidence: list[dict],
    now: dt.datetime | None = None,
) -> Signal:
    """Keep one finding: create the signal of (estate, meeting, kind, key), or add to its evidence;
    a dismissed signal whose evidence grows beyond what was reviewed opens again. ``evidence``
    items are masked already ({"type", "id", "flat", "owner", "mobile", "at", ...}). New and
    reopened signals are audited ("signal.raised"). Used by detection, and for a DISOWNED_BALLOT
    when an owner says they never voted (R-TRUST-2). Never blocks anything."""
    signal, _ = _keep(
        kind=kind, estate=estate, meeting=meeting, key=key, measure=measure, evidence=evidence, now=now
    )
    return signal


def _keep(
    *,
    kind: str,
    estate: Estate,
    meeting,
    key: str,
    measure: dict,
    evidence: list[dict],
    now: dt.datetime | None,
) -> tuple[Signal, str]:
    """``signal_raise``, also saying what happened: "raised" (new), "reopened", "updated" (more
    evidence) or "unchanged"."""
    if kind not in Kind.values:
        raise ValueError(f"no such signal kind: {kind!r}")
    now = now or timezone.now()
    with transaction.atomic():
        signal = (
            Signal.objects.select_for_update()
            .filter(estate=estate, meeting=meeting, kind=kind, key=key)
            .first()
        )
        if signal is None:
            handler_kind, handler_division = supervisor_of(estate)
            signal = Signal.objects.create(
                estate=estate,
                meeting=meeting,
                kind=kind,
                key=key,
                measure=measure,
                evidence=list(evidence),
                evidence_count=len(evidence),
                handler_kind=handler_kind,
                handler_division_id=handler_division,
                first_seen_at=now,
                last_seen_at=now,
            )
            outcome = "raised"
        else:
            merged = _merge(signal.evidence, evidence)
            grew = len(merged) > signal.evidence_count
            outcome = "updated" if grew else "unchanged"
            if signal.status == Signal.Status.DISMISSED and len(merged) > signal.reviewed_count:
                signal.status = Signal.Status.OPEN
                outcome = "reopened"
            signal.measure = measure
            signal.evidence = merged
            signal.evidence_count = len(merged)
            signal.last_seen_at = now
            signal.save(update_fields=["measure", "evidence", "evidence_count", "last_seen_at", "status"])
        if outcome in ("raised", "reopened"):
            record(
                actor=DETECTOR,
                action="signal.raised",
                obj=signal,
                estate_id=estate.pk,
                summary={
                    "kind": kind,
                    "meeting": meeting.pk if meeting is not None else None,
                    "measure": measure,
                    "evidence_count": signal.evidence_count,
                    "reopened": outcome == "reopened",
                },
            )
    return signal, outcome


def _evidence(facts: gather.Facts, acts) -> list[dict]:
    return [facts.evidence[(a.type, a.id)] for a in acts]


def _estate_findings(estate: Estate, now: dt.datetime, t: rules.Thresholds, proxies: gather.ProxyFacts):
    """(kind, meeting, finding, facts) for every finding in ``estate``."""
    recent = gather.bindings(estate, now - gather.RECENT, now)
    for finding in rules.shared(recent.acts, lambda a: a.mobile, t):
        yield Kind.SHARED_MOBILE, None, finding, recent
    for finding in rules.shared(recent.acts, lambda a: a.device, t):
        yield Kind.SHARED_DEVICE, None, finding, recent
    for meeting in gather.examined_meetings(estate, now).order_by("pk"):
        opens = meeting.voting_opened_at or meeting.voting_opens_at
        since = opens - dt.timedelta(days=t.burst_days + t.baseline_days)
        before = gather.bindings(estate, since, opens)
        if (finding := rules.burst(before.acts, opens, t)) is not None:
            yield Kind.BINDING_BURST, meeting, finding, before
        checked = gather.verifications(estate, min(since, opens - dt.timedelta(days=t.baseline_days)), opens)
        if (finding := rules.burst(checked.acts, opens, t)) is not None:
            yield Kind.VERIFICATION_BURST, meeting, finding, checked
        for finding in rules.onsite_late(checked.acts, opens, t):
            yield Kind.ONSITE_LATE, meeting, finding, checked
        cast = gather.ballots(meeting)
        for finding in rules.shared(cast.acts, lambda a: a.mobile, t):
            yield Kind.SHARED_MOBILE, meeting, finding, cast
        for finding in rules.shared(cast.acts, lambda a: a.device, t):
            yield Kind.SHARED_DEVICE, meeting, finding, cast
        for finding in rules.address_ballots(cast.acts, t):
            yield Kind.ADDRESS_BALLOTS, meeting, finding, cast
        # One holder across the city: the signal is raised in each estate and meeting where they
        # hold proxies, measured city-wide, with the proxies of that meeting as its evidence (a
        # street office sees only its own estates' personal data, masked).
        for finding in rules.proxy_concentration(proxies.acts, t):
            here = [a for a in finding.acts if proxies.place[a.id] == (estate.pk, meeting.pk)]
            if here:
                estates = {proxies.place[a.id][0] for a in finding.acts}
                measure = {**finding.measure, "estates": len(estates), "here": len(here)}
                found = rules.Finding(finding.key, measure, tuple(here))
                yield Kind.PROXY_CONCENTRATION, meeting, found, proxies


def _key(kind: str, finding_key: str) -> str:
    # The finding's key is a keyed hash (mobile, device, address, ID number), a day or a checker.
    return f"{kind}:{finding_key}"[:128]


def signals_detect(*, estate: Estate | None = None, now: dt.datetime | None = None) -> dict:
    """Run every detector over ``estate`` (default: every estate with something recent to examine)
    and keep the findings as signals. Returns a summary: estates examined, signals raised,
    reopened, updated and unchanged, and the findings by kind."""
    now = now or timezone.now()
    if estate is not None:
        estates = [estate]
    else:
        estates = list(gather.estates_to_examine(now).select_related("street__parent").order_by("pk"))
    summary = {"estates": 0, "raised": 0, "reopened": 0, "updated": 0, "unchanged": 0}
    by_kind: Counter = Counter()
    proxies_of_city: dict[int, gather.ProxyFacts] = {}
    for e in estates:
        city_id = e.street.parent.parent_id
        if city_id not in proxies_of_city:
            proxies_of_city[city_id] = gather.city_proxies(e, now)
        t = thresholds_for(e)
        summary["estates"] += 1
        for kind, meeting, finding, facts in _estate_findings(e, now, t, proxies_of_city[city_id]):
            _, outcome = _keep(
                kind=kind,
                estate=e,
                meeting=meeting,
                key=_key(kind, finding.key),
                measure=finding.measure,
                evidence=_evidence(facts, finding.acts),
                now=now,
            )
            summary[outcome] += 1
            by_kind[kind] += 1
    summary["kinds"] = dict(sorted(by_kind.items()))
    log.info("signals detected: %s", summary)
    return summary
