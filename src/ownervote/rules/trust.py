"""The impersonation signals (冒投, R-TRUST-1), decided from plain facts: no Django, no database.

``trust.facts`` gathers the facts of one estate (bindings, verifications, electronic ballots,
proxies) and ``trust.detection`` turns each finding into a ``Signal`` row. A finding never blocks
anyone: it is shown to the office that supervises the estate, which reviews it.

Every threshold is a field of ``Thresholds``; the defaults below are the platform's, and a city
may set its own (``trust.thresholds``, docs/signals.md). Why each default is where it is:

- **shared mobile / shared device** (``shared_flats`` = 3, ``shared_owners`` = 3): one mobile
  number, or one device (the keyed hash of the browser's device cookie, nothing more), binds or
  votes at least 3 flats that belong to at least 3 different owners (distinct persons of the
  roster). A family sharing one phone binds its one or two flats, however many co-owners it has:
  four co-owners of one flat are 1 flat, and a couple's two flats are 2 flats, below 3. One owner
  with three flats is 1 owner. It takes several flats of several unrelated owners.
- **binding / verification burst** (``burst_min`` = 10 in ``burst_days`` = 7 days before voting
  opens, and at least ``burst_factor`` = 3 times the estate's usual daily rate, measured over the
  ``baseline_days`` = 60 days before those 7): both conditions, so that a quiet estate's handful of
  late bindings (3 where it usually has none) is not a signal, nor is a large estate's ordinary
  pace (12 in a week where it usually has 2 a day).
- **on-site verifications late** (``onsite_min`` = 10 and ``onsite_share`` = 60 % of one
  checker's on-site verifications of the ``baseline_days`` before voting fall in the last
  ``onsite_days`` = 3 days): a convener verifying a few latecomers is normal; most of their work
  crammed into the last days is the pattern of IDs collected and verified in bulk.
- **proxy concentration** (``proxy_flats`` = 4 flats of ``proxy_owners`` = 3 owners, counted across
  the estates of the city): the regulation allows a holder three owners per estate (art. 18), so a
  holder at the legal limit with one flat each (3 flats) is not a signal; with more flats, or owners
  in several estates, it is.
- **address ballots** (``address_ballots`` = 5 electronic ballots of different owners from one
  network address within ``address_minutes`` = 10 minutes): a household's Wi-Fi carries its own two
  or three ballots; five owners in ten minutes is a phone passed round, or one person voting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

# The fields a city may set, with the smallest and largest value each may take.
PERCENT_FIELDS = frozenset({"onsite_share"})
# No threshold is sensibly larger (a count of flats, acts, days or minutes); the bound also keeps
# every value within the database's integer.
MAX_VALUE = 100_000


@dataclass(frozen=True)
class Thresholds:
    shared_flats: int = 3  # flats bound or voted from one mobile / one device ...
    shared_owners: int = 3  # ... belonging to this many different owners
    burst_min: int = 10  # bindings (verifications) in the burst window ...
    burst_days: int = 7  # ... the days before voting opens
    burst_factor: int = 3  # ... and this many times the estate's usual daily rate
    baseline_days: int = 60  # the days before the burst window that give the usual rate
    onsite_min: int = 10  # one checker's on-site verifications in the last days ...
    onsite_share: int = 60  # ... and this percentage of theirs
    onsite_days: int = 3  # the last days before voting opens
    proxy_flats: int = 4  # flats one holder holds proxies for ...
    proxy_owners: int = 3  # ... of this many different owners
    address_ballots: int = 5  # electronic ballots of different owners from one address ...
    address_minutes: int = 10  # ... within this many minutes

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def overridden(self, values: dict[str, int | None]) -> Thresholds:
        """These thresholds with the non-empty ``values`` in their place."""
        given = {k: v for k, v in values.items() if v is not None and k in self.names()}
        return Thresholds(**{**self.as_dict(), **given})

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.names()}


def invalid_values(values: dict[str, int | None]) -> dict[str, str]:
    """What is wrong with a city's overrides, by field: unknown name, not a whole number, below 1,
    above ``MAX_VALUE``, a percentage above 100. Empty when every value is acceptable (None: use
    the default)."""
    problems = {}
    known = set(Thresholds.names())
    for name, value in values.items():
        if name not in known:
            problems[name] = "unknown"
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int):
            problems[name] = "not_integer"
        elif value < 1:
            problems[name] = "below_one"
        elif value > MAX_VALUE:
            problems[name] = "too_large"
        elif name in PERCENT_FIELDS and value > 100:
            problems[name] = "above_hundred"
    return problems


@dataclass(frozen=True)
class Act:
    """One recorded act of a person for a flat: a binding, a verification, an electronic ballot, a
    proxy. ``mobile``, ``device``, ``address`` are keys (hashes or an address), never shown."""

    type: str
    id: int
    at: dt.datetime
    flat: int | None = None
    owner: int | None = None
    mobile: str = ""
    device: str = ""
    address: str = ""
    checker: int | None = None  # the account that verified on site
    holder: str = ""  # a proxy holder's keyed ID-number hash
    flats: tuple[int, ...] = ()  # a proxy's flats


@dataclass(frozen=True)
class Finding:
    """A pattern over the threshold: what identifies it (``key``), how far over (``measure``, with
    the thresholds it was measured against) and the acts that show it (``acts``)."""

    key: str
    measure: dict
    acts: tuple[Act, ...] = field(default=())


def shared(acts: Iterable[Act], by: Callable[[Act], str], t: Thresholds) -> list[Finding]:
    """One mobile (``by=lambda a: a.mobile``) or one device binding or voting at least
    ``shared_flats`` flats of at least ``shared_owners`` different owners. Acts without the key
    (nothing recorded) are never grouped together."""
    groups: dict[str, list[Act]] = defaultdict(list)
    for act in acts:
        if by(act):
            groups[by(act)].append(act)
    found = []
    for key, group in sorted(groups.items()):
        flats = {a.flat for a in group if a.flat is not None}
        owners = {a.owner for a in group if a.owner is not None}
        if len(flats) >= t.shared_flats and len(owners) >= t.shared_owners:
            measure = {
                "flats": len(flats),
                "owners": len(owners),
                "threshold": {"flats": t.shared_flats, "owners": t.shared_owners},
            }
            found.append(Finding(key, measure, tuple(sorted(group, key=lambda a: (a.at, a.id)))))
    return found


def burst(acts: Iterable[Act], opens: dt.datetime, t: Thresholds) -> Finding | None:
    """Bindings (or verifications) in the ``burst_days`` before ``opens``: at least ``burst_min``,
    and a daily rate at least ``burst_factor`` times that of the ``baseline_days`` before them.
    Compared in whole numbers: recent x baseline_days >= factor x usual x burst_days."""
    start = opens - dt.timedelta(days=t.burst_days)
    base_start = start - dt.timedelta(days=t.baseline_days)
    recent = sorted((a for a in acts if start <= a.at < opens), key=lambda a: (a.at, a.id))
    usual = sum(1 for a in acts if base_start <= a.at < start)
    if len(recent) < t.burst_min:
        return None
    if len(recent) * t.baseline_days < t.burst_factor * usual * t.burst_days:
        return None
    measure = {
        "recent": len(recent),
        "usual": usual,
        "threshold": {
            "min": t.burst_min,
            "days": t.burst_days,
            "factor": t.burst_factor,
            "baseline_days": t.baseline_days,
        },
    }
    return Finding(opens.date().isoformat(), measure, tuple(recent))


def onsite_late(acts: Iterable[Act], opens: dt.datetime, t: Thresholds) -> list[Finding]:
    """Per checker: of their on-site verifications in the ``baseline_days`` before ``opens``, at
    least ``onsite_min`` and at least ``onsite_share`` % fall in the last ``onsite_days``."""
    late_start = opens - dt.timedelta(days=t.onsite_days)
    start = opens - dt.timedelta(days=t.baseline_days)
    by_checker: dict[int, list[Act]] = defaultdict(list)
    for act in acts:
        if act.checker is not None and start <= act.at < opens:
            by_checker[act.checker].append(act)
    found = []
    for checker, theirs in sorted(by_checker.items()):
        late = sorted((a for a in theirs if a.at >= late_start), key=lambda a: (a.at, a.id))
        if len(late) >= t.onsite_min and len(late) * 100 >= t.onsite_share * len(theirs):
            measure = {
                "late": len(late),
                "total": len(theirs),
                "threshold": {"min": t.onsite_min, "share": t.onsite_share, "days": t.onsite_days},
            }
            found.append(Finding(f"checker:{checker}", measure, tuple(late)))
    return found


def proxy_concentration(proxies: Iterable[Act], t: Thresholds) -> list[Finding]:
    """Per holder (``Act.holder``, across every estate given): proxies for at least
    ``proxy_flats`` flats of at least ``proxy_owners`` owners. A holder is counted by the flats
    and owners of their proxies in force (the caller passes those)."""
    by_holder: dict[str, list[Act]] = defaultdict(list)
    for p in proxies:
        if p.holder:
            by_holder[p.holder].append(p)
    found = []
    for holder, theirs in sorted(by_holder.items()):
        flats = {f for p in theirs for f in p.flats}
        owners = {p.owner for p in theirs if p.owner is not None}
        if len(flats) >= t.proxy_flats and len(owners) >= t.proxy_owners:
            measure = {
                "flats": len(flats),
                "owners": len(owners),
                "threshold": {"flats": t.proxy_flats, "owners": t.proxy_owners},
            }
            found.append(Finding(holder, measure, tuple(sorted(theirs, key=lambda a: (a.at, a.id)))))
    return found


def address_ballots(ballots: Iterable[Act], t: Thresholds) -> list[Finding]:
    """Per network address: some ``address_minutes`` window (from one ballot to the ballots at
    most that many minutes later) holding ballots of at least ``address_ballots`` different
    owners. The evidence is every ballot of the address that lies in such a window."""
    by_address: dict[str, list[Act]] = defaultdict(list)
    for b in ballots:
        if b.address:
            by_address[b.address].append(b)
    window = dt.timedelta(minutes=t.address_minutes)
    found = []
    for address, theirs in sorted(by_address.items()):
        theirs.sort(key=lambda a: (a.at, a.id))
        most, shown = 0, {}
        for i, first in enumerate(theirs):
            inside = [b for b in theirs[i:] if b.at - first.at <= window]
            owners = {b.owner for b in inside if b.owner is not None}
            most = max(most, len(owners))
            if len(owners) >= t.address_ballots:
                shown.update({b.id: b for b in inside})
        if most >= t.address_ballots:
            measure = {
                "owners": most,
                "threshold": {"ballots": t.address_ballots, "minutes": t.address_minutes},
            }
            acts = tuple(sorted(shown.values(), key=lambda a: (a.at, a.id)))
            found.append(Finding(address, measure, acts))
    return found
